//! The broker: how a publish reaches every relay node's hub.
//!
//! Sessions and the API publish through a [`Broker`], never to the hub directly, so a
//! Redis-backed broker can be added for several relay nodes without touching sessions (as
//! Centrifugo splits its hub from its broker). [`MemoryBroker`] is the single-node broker:
//! a publish is a local fan-out. A multi-node broker publishes to the shared bus and each
//! node's subscriber task calls [`Hub::publish_local`]; its `Delivery` then counts only the
//! local node's windows.

use std::sync::Arc;

use crate::hub::{Delivery, Hub, Outgoing};

/// Guarantee: `publish` hands `msg` to every current subscriber of group `key` on every
/// node whose outbox has room, without waiting on any client; slow clients are disconnected
/// (4008) and counted in `Delivery::dropped`.
pub trait Broker: Send + Sync + 'static {
    /// Fan out to the subscribers of a group key.
    fn publish(&self, key: &str, msg: &Outgoing) -> Delivery;
    /// Deliver to one connection id (wherever it is connected).
    fn send_to(&self, conn: &str, msg: Outgoing) -> bool;
}

/// Single-node broker: publishing is local fan-out.
pub struct MemoryBroker {
    hub: Arc<Hub>,
}

impl MemoryBroker {
    pub fn new(hub: Arc<Hub>) -> MemoryBroker {
        MemoryBroker { hub }
    }
}

impl Broker for MemoryBroker {
    fn publish(&self, key: &str, msg: &Outgoing) -> Delivery {
        self.hub.publish_local(key, msg)
    }

    fn send_to(&self, conn: &str, msg: Outgoing) -> bool {
        self.hub.deliver_to(conn, None, msg)
    }
}
