//! The node: one running relay's shared parts (config, store, keys, hub, broker, metrics,
//! forms, office key, rate limiter), built once by [`Node::open`] and shared as `Arc<Node>`
//! by the accept loop, sessions, API handlers and the janitor.

use std::num::NonZeroU32;
use std::sync::Arc;

use formdesk_protocol::forms::FormRegistry;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Principal;
use crate::broker::{Broker, MemoryBroker};
use crate::config::Config;
use crate::crypt::EpochKeys;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::office::Office;
use crate::store::Store;

/// One relay's shared state.
pub struct Node {
    pub config: Config,
    pub store: Store,
    pub keys: EpochKeys,
    pub hub: Arc<Hub>,
    pub broker: Arc<dyn Broker>,
    pub metrics: Arc<Metrics>,
    pub forms: FormRegistry,
    pub office: Office,
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Node {
    /// Opens the store (under `config.data_dir`), epoch keys, office key and forms.
    pub fn open(config: Config) -> Result<Node> {
        let store = Store::open(&config.data_dir)?;
        Node::with_store(config, store)
    }

    /// Like [`open`](Self::open) with an already opened store (sled allows one opener).
    pub fn with_store(config: Config, store: Store) -> Result<Node> {
        std::fs::create_dir_all(&config.data_dir)?;
        let keys = EpochKeys::open(
            config.data_dir.join("keys"),
            config.epoch_length.as_millis() as u64,
        )?;
        let forms = match &config.forms_dir {
            Some(dir) => {
                FormRegistry::load_dir(dir).map_err(|e| Error::Data(format!("forms: {e}")))?
            }
            None => FormRegistry::default(),
        };
        let office = Office::load_or_create(&config.data_dir, &config.office_name)?;
        let metrics = Arc::new(Metrics::new());
        let hub = Arc::new(Hub::new(metrics.clone(), config.max_groups_per_connection));
        let broker: Arc<dyn Broker> = Arc::new(MemoryBroker::new(hub.clone()));
        let rate = NonZeroU32::new(config.rate_per_token.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(config.rate_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let limiter = RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst));
        Ok(Node {
            config,
            store,
            keys,
            hub,
            broker,
            metrics,
            forms,
            office,
            limiter,
        })
    }

    /// Counts one request or op of `who` against its token's rate.
    pub fn check_rate(&self, who: &Principal) -> Result<()> {
        self.limiter
            .check_key(&who.token_id)
            .map_err(|_| Error::RateLimited)
    }

    /// Forgets idle rate-limiter keys (called by the janitor).
    pub fn trim_limiter(&self) {
        self.limiter.retain_recent();
    }
}
