//! Integration tests of the relay library: a real relay on 127.0.0.1:0 with a temporary
//! sled dir, real websocket clients and real HTTP. One module per topic; helpers in `util`.

mod bad_input;
mod delivery;
mod isolation;
mod pubsub;
mod requests;
mod shutdown;
mod tokens;
mod util;
mod web;
