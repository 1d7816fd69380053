//! FormDesk end-to-end tests: one binary, one module per topic, shared helpers in `util`.

mod app_e2e; // the clerk terminal in a real window (WebDriver); helpers in app_form, app_util
mod app_form;
mod app_relay;
mod app_util;
mod relay_service; // the formdesk-relay binary: restart, TLS pinning, policy, tokens, SIGTERM
mod util;
