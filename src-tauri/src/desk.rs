//! The desk: everything the clerk terminal does, without Tauri. It owns the settings, the
//! relay connection (embedded relay or LAN relay, through `relay_link` + `rest`), the form
//! windows, and routes relay events to the right window through a [`UiSink`]. The Tauri
//! layer (`lib.rs`, `commands/`) is a thin translation onto these methods.

use std::sync::{Arc, Mutex, OnceLock};

use formdesk_protocol::forms::FormDef;
use formdesk_protocol::render::{render_svg, EcLevel};
use formdesk_protocol::wire::{ServerEvent, SubmissionCreated};
use formdesk_protocol::FieldError;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::embedded::EmbeddedRelay;
use crate::error::{AppError, Result};
use crate::outbox::{self, CompletedForm};
use crate::relay_link::{Endpoint, LinkEvents, LinkStatus, RelayLink};
use crate::rest::Rest;
use crate::settings::{AppPaths, Overrides, RelayMode, Settings};
use crate::windows::{Followup, FormWindows, RequestView, SubscriptionState, WindowSink};

/// Where desk-wide news goes (the app: Tauri events).
pub trait UiSink: WindowSink {
    fn relay_status(&self, status: &LinkStatus);
}

/// What Complete returns to the window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Completed {
    pub outbox_file: String,
    pub receipt_qr: Option<String>,
    pub receipt_svg: Option<String>,
}

/// A deletion receipt to show the citizen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub receipt_qr: String,
    pub receipt_svg: String,
}

/// The office's public key, as citizens add it to a wallet (settings panel).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficeKeyView {
    pub name: String,
    /// Ed25519 public key, base64url.
    pub public_key: String,
    /// Short fingerprint to read aloud or compare (formdesk-protocol's).
    pub fingerprint: String,
    /// The `FDK1:` text a wallet trusts.
    pub qr: String,
    pub qr_svg: String,
}

struct Connection {
    link: RelayLink,
    rest: Rest,
    embedded: Option<EmbeddedRelay>,
}

/// The clerk terminal's state (one per app).
pub struct Desk {
    pub paths: AppPaths,
    /// The settings as saved in the file (what the settings panel edits).
    saved: Mutex<Settings>,
    /// What the environment imposes on top (never written to the file).
    pub overrides: Overrides,
    conn: tokio::sync::Mutex<Option<Connection>>,
    /// The current link (readable without awaiting the connection lock).
    link: Mutex<Option<RelayLink>>,
    forms: Mutex<Vec<FormDef>>,
    pub windows: Arc<FormWindows>,
    sink: Arc<dyn UiSink>,
}

impl Desk {
    pub fn new(
        paths: AppPaths,
        saved: Settings,
        overrides: Overrides,
        sink: Arc<dyn UiSink>,
    ) -> Arc<Desk> {
        Arc::new(Desk {
            paths,
            saved: Mutex::new(saved),
            overrides,
            conn: tokio::sync::Mutex::new(None),
            link: Mutex::new(None),
            forms: Mutex::default(),
            windows: Arc::default(),
            sink,
        })
    }

    /// The effective settings (saved, with the environment's overrides).
    pub fn settings(&self) -> Settings {
        self.overrides.apply(self.saved_settings())
    }

    /// The settings as saved (for the settings panel).
    pub fn saved_settings(&self) -> Settings {
        lock(&self.saved).clone()
    }

    /// (Re)connects according to the settings: starts the embedded relay if asked, then the
    /// link. The link reconnects by itself from then on.
    pub async fn connect(self: &Arc<Self>) -> Result<()> {
        let mut conn = self.conn.lock().await;
        if let Some(old) = conn.take() {
            old.link.stop();
            if let Some(e) = old.embedded {
                e.stop().await;
            }
        }
        let settings = self.settings();
        let (endpoint, embedded) = match &settings.relay {
            RelayMode::Embedded => {
                let e = EmbeddedRelay::start(&self.paths.data, &self.paths.forms).await?;
                (e.endpoint.clone(), Some(e))
            }
            RelayMode::Lan {
                url,
                token,
                fingerprint,
            } => (
                Endpoint {
                    base: url.trim().trim_end_matches('/').to_string(),
                    token: token.trim().to_string(),
                    fingerprint: fingerprint.clone(),
                },
                None,
            ),
        };
        let router = Arc::new(Router {
            desk: Arc::downgrade(self),
            link: OnceLock::new(),
        });
        let link = RelayLink::start(endpoint.clone(), router.clone());
        let _ = router.link.set(link.clone());
        *lock(&self.link) = Some(link.clone());
        lock(&self.forms).clear();
        *conn = Some(Connection {
            link,
            rest: Rest::new(endpoint),
            embedded,
        });
        Ok(())
    }

    /// Stops the link and the embedded relay (app exit).
    pub async fn shutdown(&self) {
        if let Some(c) = self.conn.lock().await.take() {
            c.link.stop();
            if let Some(e) = c.embedded {
                e.stop().await;
            }
        }
    }

    /// Saves `s` and reconnects if the effective relay changed. Returns whether the
    /// effective camera changed (the app then restarts the scanner).
    pub async fn save_settings(self: &Arc<Self>, s: Settings) -> Result<bool> {
        s.save(&self.paths.config)?;
        let before = self.settings();
        *lock(&self.saved) = s;
        let after = self.settings();
        if before.relay != after.relay {
            self.connect().await?;
        }
        Ok(before.camera != after.camera)
    }

    pub fn status(&self) -> LinkStatus {
        lock(&self.link)
            .as_ref()
            .map_or(LinkStatus::Connecting { attempt: 0 }, RelayLink::status)
    }

    fn link(&self) -> Result<RelayLink> {
        lock(&self.link)
            .clone()
            .ok_or_else(|| AppError::relay_unreachable("not connected yet"))
    }

    pub async fn rest(&self) -> Result<Rest> {
        self.conn
            .lock()
            .await
            .as_ref()
            .map(|c| c.rest.clone())
            .ok_or_else(|| AppError::relay_unreachable("not connected yet"))
    }

    /// The relay's forms (cached until the connection changes).
    pub async fn forms(&self) -> Result<Vec<FormDef>> {
        let cached = lock(&self.forms).clone();
        if !cached.is_empty() {
            return Ok(cached);
        }
        let forms = self.rest().await?.forms().await?;
        *lock(&self.forms) = forms.clone();
        Ok(forms)
    }

    pub async fn form(&self, id: &str) -> Result<FormDef> {
        self.forms()
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| AppError::not_found(format!("The form {id}")))
    }

    /// A window shows `form_id` (called when the window asks for its definition).
    pub async fn attach_window(&self, label: &str, form_id: &str) -> Result<FormDef> {
        let form = self.form(form_id).await?;
        if self
            .windows
            .form(label)
            .map(|f| f.id != form.id)
            .unwrap_or(true)
        {
            self.windows.open(label, form.clone());
        }
        Ok(form)
    }

    /// Creates a request for the window's form: a fresh ephemeral key (kept here), a signed
    /// QR from the relay, and a once-subscription to its answer.
    pub async fn new_request(&self, label: &str) -> Result<RequestView> {
        let form = self.windows.form(label)?;
        let link = self.link()?;
        let (key, public) = FormWindows::new_key();
        let desk_label = Some(self.settings().desk_label);
        let created = link
            .create_request(&form.id, form.template(), public, desk_label)
            .await?;
        let (view, old) = self.windows.install_request(label, key, &created)?;
        if let Some(old) = old.filter(|g| *g != created.group) {
            link.unsubscribe(&old);
        }
        // The window shows "subscribed" when the relay confirms (`subscribed` event).
        link.subscribe(&created.group, true);
        self.sink.subscription(label, SubscriptionState::None);
        Ok(view)
    }

    pub fn close_window(&self, label: &str) {
        if let (Some(group), Ok(link)) = (self.windows.close(label), self.link()) {
            link.unsubscribe(&group);
        }
    }

    /// Schema errors of `values` for form `form_id` (empty when valid).
    pub async fn validate(
        &self,
        form_id: &str,
        values: &Map<String, Value>,
    ) -> Result<Vec<FieldError>> {
        let form = self.form(form_id).await?;
        Ok(match form.validate(&Value::Object(values.clone())) {
            Ok(()) => Vec::new(),
            Err(e) => e.errors,
        })
    }

    /// Exports the completed form to the outbox, asks the relay for a deletion receipt (if
    /// the data came through a request), and forgets the window's request.
    pub async fn complete(
        &self,
        label: &str,
        values: &Map<String, Value>,
        provenance: &Map<String, Value>,
    ) -> Result<Completed> {
        let form = self.windows.form(label)?;
        if let Err(e) = form.validate(&Value::Object(values.clone())) {
            return Err(AppError::new(
                crate::error::ErrorKind::Invalid,
                format!("Some fields need attention: {e}"),
            ));
        }
        let settings = self.settings();
        let request = self.windows.receipt_request(label);
        let request_id = request.as_ref().map(|(id, _)| id.clone());
        let record = CompletedForm {
            form: &form.id,
            form_version: form.version,
            completed_at: outbox::now_secs(),
            desk: &settings.desk_label,
            request_id: request_id.as_deref(),
            values,
            provenance,
        };
        let path = outbox::write(&settings.outbox(&self.paths.data), &record)?;
        // The receipt lists only what the citizen shared (docs/qr-format.md §5), never a
        // declined or unavailable field.
        let receipt = match &request {
            Some((id, shared)) => match self.rest().await?.receipt(id, shared.as_deref()).await {
                Ok(r) => Some(r.receipt),
                Err(e) => {
                    tracing::warn!("no deletion receipt: {}", e.message);
                    None
                }
            },
            None => None,
        };
        self.windows.clear(label);
        let receipt_svg = receipt
            .as_deref()
            .and_then(|r| render_svg(r, EcLevel::M).ok());
        Ok(Completed {
            outbox_file: path.display().to_string(),
            receipt_qr: receipt,
            receipt_svg,
        })
    }

    /// The office key the relay signs with (`GET /api/office-key`), with its QR rendered
    /// here by formdesk-protocol.
    pub async fn office_key(&self) -> Result<OfficeKeyView> {
        let info = self.rest().await?.office_key().await?;
        let key = formdesk_protocol::qr::OfficePublicKey::from_base64url(&info.public_key)
            .map_err(crate::windows::protocol_error)?;
        let qr_svg = render_svg(&info.qr, EcLevel::M).map_err(crate::windows::protocol_error)?;
        Ok(OfficeKeyView {
            name: info.name,
            public_key: info.public_key,
            fingerprint: key.fingerprint(),
            qr: info.qr,
            qr_svg,
        })
    }

    /// The window's request expired unanswered: the relay signs a deletion receipt with no
    /// fields received (the citizen's proof that nothing was kept), the window forgets the
    /// request and leaves its group. Refused while the request is still open or answered.
    pub async fn expired_receipt(&self, label: &str) -> Result<Receipt> {
        let request_id = self.windows.expired_unanswered(label, outbox::now_secs())?;
        let receipt = self
            .rest()
            .await?
            .receipt(&request_id, Some(&[]))
            .await?
            .receipt;
        if let Some(group) = self.windows.clear(label) {
            if let Ok(link) = self.link() {
                link.unsubscribe(&group);
            }
        }
        self.sink.subscription(label, SubscriptionState::Expired);
        let receipt_svg =
            render_svg(&receipt, EcLevel::M).map_err(crate::windows::protocol_error)?;
        Ok(Receipt {
            receipt_qr: receipt,
            receipt_svg,
        })
    }

    /// Posts a sealed response read by the webcam, exactly as a paired phone would.
    pub async fn submit_scanned(&self, text: &str) -> Result<SubmissionCreated> {
        self.rest().await?.submit_sealed(text).await
    }
}

/// Receives the link's events: status to the UI, submissions to their window (then ack).
struct Router {
    desk: std::sync::Weak<Desk>,
    link: OnceLock<RelayLink>,
}

impl LinkEvents for Router {
    fn status(&self, status: &LinkStatus) {
        if let Some(d) = self.desk.upgrade() {
            d.sink.relay_status(status);
        }
    }

    fn event(&self, event: ServerEvent) {
        let Some(d) = self.desk.upgrade() else { return };
        if let Followup::Ack(id) = d.windows.handle(event, d.sink.as_ref(), outbox::now_secs()) {
            if let Some(link) = self.link.get() {
                link.ack(&id);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
