//! The accept loop: connection cap (a semaphore; beyond it a plain `503`), optional TLS,
//! HTTP/1.1 + HTTP/2 via hyper-util with upgrades (websockets go to `ws`, the rest to the
//! warp routes), and graceful shutdown: stop accepting, tell every session (close 1001)
//! and HTTP connection, wait for them with a timeout, flush the store, return.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::Either;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use warp::Reply;

use crate::error::Result;
use crate::node::Node;
use crate::{api, janitor, ws};

/// Serves `listener` until `shutdown` resolves, then drains and flushes.
pub async fn serve(
    listener: TcpListener,
    node: Arc<Node>,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    node.store.start_flusher(node.config.max_flush_waiters);
    let routes = TowerToHyperService::new(warp::service(api::routes(node.clone())));
    let cancel = CancellationToken::new();
    let tracker = TaskTracker::new();
    let limit = Arc::new(Semaphore::new(node.config.max_connections));
    let tls = node.config.tls.clone().map(TlsAcceptor::from);
    tracker.spawn(janitor::run(node.clone(), cancel.clone()));
    tracing::info!(addr = ?listener.local_addr().ok(), tls = tls.is_some(), "relay serving");
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            node.metrics.reject("connection_limit");
            tracing::warn!("connection cap reached: answering 503");
            tracker.spawn(refuse(stream, tls.is_none()));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = Conn {
            node: node.clone(),
            routes: routes.clone(),
            cancel: cancel.clone(),
            tracker: tracker.clone(),
        };
        tracker.spawn(conn.serve(stream, tls.clone(), Arc::new(permit)));
    }
    tracing::info!("shutting down: closing sessions");
    cancel.cancel();
    tracker.close();
    if tokio::time::timeout(node.config.drain_timeout, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("drain timeout: some connections did not finish");
    }
    node.store.flush().await?;
    tracing::info!("relay stopped; store flushed");
    Ok(())
}

struct Conn<R> {
    node: Arc<Node>,
    /// The warp routes as a hyper service.
    routes: R,
    cancel: CancellationToken,
    tracker: TaskTracker,
}

impl<R> Conn<R>
where
    R: hyper::service::Service<
            http::Request<Incoming>,
            Response = warp::reply::Response,
            Error = std::convert::Infallible,
        > + Send
        + Sync
        + 'static,
    R::Future: Send + 'static,
{
    async fn serve(
        self,
        stream: TcpStream,
        tls: Option<TlsAcceptor>,
        permit: Arc<OwnedSemaphorePermit>,
    ) {
        match tls {
            None => self.http(stream, permit).await,
            Some(acceptor) => {
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                    Ok(Ok(s)) => self.http(s, permit).await,
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            }
        }
    }

    async fn http<I>(self, io: I, permit: Arc<OwnedSemaphorePermit>)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Conn {
            node,
            routes,
            cancel,
            tracker,
        } = self;
        let shutdown = cancel.clone();
        let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
            if ws::is_upgrade(&req) {
                let spawn = ws::Spawn {
                    shutdown: shutdown.clone(),
                    tracker: tracker.clone(),
                    permit: permit.clone(),
                };
                let res = ws::upgrade(node.clone(), spawn, req).into_response();
                Either::Left(std::future::ready(Ok::<_, std::convert::Infallible>(res)))
            } else {
                Either::Right(hyper::service::Service::call(&routes, req))
            }
        });
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(30));
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            _ = cancel.cancelled() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    }
}

/// Over the connection cap: a plain-HTTP client gets a JSON 503; TLS clients are dropped.
async fn refuse(mut stream: TcpStream, plain: bool) {
    use tokio::io::AsyncReadExt;
    if plain {
        // Read the request head first so the client sees an answer, not a reset.
        let mut buf = [0u8; 2048];
        let _ = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
        let body = r#"{"error":{"code":"overloaded","message":"connection limit reached"}}"#;
        let msg = format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ =
            tokio::time::timeout(Duration::from_secs(2), stream.write_all(msg.as_bytes())).await;
    }
}
