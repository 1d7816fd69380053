//! FormDesk end-to-end tests: one binary, one module per topic, shared helpers in `util`.

mod util;
