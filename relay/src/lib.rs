//! formdesk-relay: the relay library (embeddable) behind the LAN service binary.
