//! Prometheus metrics (text format at `GET /metrics`): connections, groups, submissions
//! stored/delivered/acked/expired, deliveries dropped for slow clients, rejected requests
//! and the latency of accepting a submission (request to durable `201`).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Every metric of one relay. Updating is lock-free; only encoding reads the registry.
pub struct Metrics {
    registry: Registry,
    pub connections: Gauge,
    pub groups: Gauge,
    pub submissions_stored: Counter,
    pub submissions_delivered: Counter,
    pub submissions_acked: Counter,
    pub submissions_expired: Counter,
    pub events_published: Counter,
    pub dropped_slow: Counter,
    pub heartbeat_timeouts: Counter,
    /// Refused requests and websocket ops by error code.
    pub rejected: Family<Vec<(String, String)>, Counter>,
    /// Seconds from receiving a submission to its durable `201`.
    pub accept_latency: Histogram,
    /// Seconds from accepting a submission to handing it to the last live window.
    pub push_latency: Histogram,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("formdesk_relay");
        let m = Metrics {
            connections: Gauge::default(),
            groups: Gauge::default(),
            submissions_stored: Counter::default(),
            submissions_delivered: Counter::default(),
            submissions_acked: Counter::default(),
            submissions_expired: Counter::default(),
            events_published: Counter::default(),
            dropped_slow: Counter::default(),
            heartbeat_timeouts: Counter::default(),
            rejected: Family::default(),
            accept_latency: Histogram::new(buckets()),
            push_latency: Histogram::new(buckets()),
            registry: Registry::default(),
        };
        registry.register(
            "connections",
            "Open websocket connections",
            m.connections.clone(),
        );
        registry.register(
            "groups",
            "Groups with at least one subscriber",
            m.groups.clone(),
        );
        registry.register(
            "submissions_stored",
            "Submissions durably stored",
            m.submissions_stored.clone(),
        );
        registry.register(
            "submissions_delivered",
            "Submission deliveries to windows",
            m.submissions_delivered.clone(),
        );
        registry.register(
            "submissions_acked",
            "Submissions acknowledged (content deleted)",
            m.submissions_acked.clone(),
        );
        registry.register(
            "submissions_expired",
            "Submissions expired unacknowledged (purged)",
            m.submissions_expired.clone(),
        );
        registry.register(
            "events_published",
            "Events published to groups",
            m.events_published.clone(),
        );
        registry.register(
            "deliveries_dropped_slow",
            "Deliveries dropped because a client was too slow (client disconnected with 4008)",
            m.dropped_slow.clone(),
        );
        registry.register(
            "heartbeat_timeouts",
            "Connections closed for silence (4003)",
            m.heartbeat_timeouts.clone(),
        );
        registry.register(
            "rejected",
            "Refused requests and websocket operations by code",
            m.rejected.clone(),
        );
        registry.register(
            "submission_accept_seconds",
            "Submission receipt to durable 201",
            m.accept_latency.clone(),
        );
        registry.register(
            "submission_push_seconds",
            "Submission receipt to push to live windows",
            m.push_latency.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Counts one refused request or op.
    pub fn reject(&self, code: &str) {
        self.rejected
            .get_or_create(&vec![("code".to_string(), code.to_string())])
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn buckets() -> impl Iterator<Item = f64> {
    [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    ]
    .into_iter()
}
