//! The relay started in-process on loopback (the default for a single desk): data in the
//! app data dir (`<data>/relay`), the office's forms, and this desk's token provisioned on
//! first start (`<data>/relay/desk.token`, mode 0600). Stopped with the app (graceful
//! shutdown: sessions drained, store flushed).

use std::path::Path;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::{AppError, Result};
use crate::relay_link::Endpoint;

/// The desk id the embedded relay binds this desk's token to.
pub const LOCAL_DESK: &str = "local";

/// A running in-process relay.
pub struct EmbeddedRelay {
    pub endpoint: Endpoint,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl EmbeddedRelay {
    /// Provisions the desk token, binds 127.0.0.1:0 and starts the relay task.
    pub async fn start(data_dir: &Path, forms_dir: &Path) -> Result<EmbeddedRelay> {
        let dir = data_dir.join("relay");
        std::fs::create_dir_all(&dir)?;
        let config = formdesk_relay::Config::for_desktop(&dir).with_forms(forms_dir);
        let (relay, token) = open(config).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) = relay.serve(listener, shutdown).await {
                tracing::error!("embedded relay stopped: {e}");
            }
        });
        let endpoint = Endpoint {
            base: format!("http://{addr}"),
            token,
            fingerprint: None,
        };
        Ok(EmbeddedRelay {
            endpoint,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Stops the relay and waits for it to flush.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// Opens the relay's data (store, keys, forms) and makes sure this desk has a token.
async fn open(config: formdesk_relay::Config) -> Result<(formdesk_relay::Relay, String)> {
    tokio::task::spawn_blocking(move || {
        let dir = config.data_dir.clone();
        let relay = formdesk_relay::Relay::open(config)
            .map_err(|e| AppError::internal(format!("The embedded relay cannot start: {e}")))?;
        let token = formdesk_relay::ensure_local_desk_token(relay.store(), &dir, LOCAL_DESK)
            .map_err(|e| AppError::internal(format!("Cannot provision the desk token: {e}")))?;
        Ok((relay, token))
    })
    .await
    .map_err(AppError::internal)?
}
