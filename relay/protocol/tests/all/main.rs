//! Integration tests of formdesk-protocol, one binary, one module per topic; helpers in
//! `util`. Everything runs against the real shipped forms in relay/forms and real rendered
//! PNGs decoded by rqrr.

mod codec;
mod exchange;
mod forms;
#[cfg(feature = "render")]
mod images;
mod strict;
mod util;
mod vectors;
