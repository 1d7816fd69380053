//! Form windows: several may be open at once, each with its own request and subscription.
//! A window's request holds the ephemeral X25519 private key in memory only (never sent to
//! the webview, never written); when the sealed answer arrives, this module opens it,
//! validates the values against the form's schema, hands them to that window alone through
//! [`WindowSink`], acknowledges the submission (the relay then deletes the content) and
//! drops the key. No Tauri here.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use formdesk_protocol::forms::FormDef;
use formdesk_protocol::qr::{self, EphemeralSecret, FieldOutcome, RequestSecret};
use formdesk_protocol::render::{render_svg, EcLevel};
use formdesk_protocol::wire::{RequestCreated, ServerEvent, Submission, SubmissionPayload};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{AppError, ErrorKind, Result};

/// What the window shows for a new request (no secret in here).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub request_id: String,
    pub qr: String,
    pub qr_svg: String,
    pub expires_at: u64,
    pub match_code: String,
}

/// Whether the window still listens for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionState {
    None,
    Subscribed,
    Unsubscribed,
    /// The request expired unanswered and the window left its group.
    Expired,
}

/// The citizen's answer as the window receives it: values by field name, and per requested
/// field what the citizen did (`shared`, `declined`, `unavailable`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormFilled {
    pub submission_id: String,
    pub values: Map<String, Value>,
    pub outcomes: Map<String, Value>,
}

/// Where window-bound news goes (the app: Tauri events to one window).
pub trait WindowSink: Send + Sync + 'static {
    fn filled(&self, window: &str, filled: &FormFilled);
    fn subscription(&self, window: &str, state: SubscriptionState);
    fn error(&self, window: &str, error: &AppError);
}

struct OpenRequest {
    group: String,
    request_id: String,
    expires_at: u64,
    /// `None` once the answer was opened: the private key is dropped right after use.
    secret: Option<RequestSecret>,
    /// The vocabulary keys the opened answer carried as shared values (declined and
    /// unavailable ones are not here): what the deletion receipt says was received.
    shared: Vec<String>,
}

struct WindowState {
    form: FormDef,
    request: Option<OpenRequest>,
    subscription: SubscriptionState,
    /// Submissions already shown (delivery is at-least-once).
    seen: HashSet<String>,
}

/// All open form windows, by window label.
#[derive(Default)]
pub struct FormWindows {
    windows: Mutex<HashMap<String, WindowState>>,
}

/// What the caller must do after handling a relay event.
#[derive(Debug, PartialEq, Eq)]
pub enum Followup {
    Nothing,
    Ack(String),
}

impl FormWindows {
    pub fn open(&self, label: &str, form: FormDef) {
        let state = WindowState {
            form,
            request: None,
            subscription: SubscriptionState::None,
            seen: HashSet::new(),
        };
        self.lock().insert(label.to_string(), state);
    }

    /// Forgets a closed window (and its key); returns the group to leave, if any.
    pub fn close(&self, label: &str) -> Option<String> {
        self.lock()
            .remove(label)
            .and_then(|w| w.request)
            .map(|r| r.group)
    }

    pub fn form(&self, label: &str) -> Result<FormDef> {
        self.lock()
            .get(label)
            .map(|w| w.form.clone())
            .ok_or_else(|| AppError::not_found(format!("Form window {label}")))
    }

    pub fn subscription(&self, label: &str) -> SubscriptionState {
        self.lock()
            .get(label)
            .map_or(SubscriptionState::None, |w| w.subscription)
    }

    /// A fresh ephemeral key and its public half (base64url) for a new request.
    pub fn new_key() -> (EphemeralSecret, String) {
        let secret = RequestSecret::generate(&mut rand_core::OsRng);
        let public = URL_SAFE_NO_PAD.encode(secret.public_key());
        (secret, public)
    }

    /// Installs a request the relay created for `label`'s key. Returns the view to show and
    /// the previous request's group (to leave).
    pub fn install_request(
        &self,
        label: &str,
        key: EphemeralSecret,
        created: &RequestCreated,
    ) -> Result<(RequestView, Option<String>)> {
        let secret = RequestSecret::from_request_text(key, &created.qr).map_err(protocol_error)?;
        let qr_svg = render_svg(&created.qr, EcLevel::M).map_err(protocol_error)?;
        let mut windows = self.lock();
        let w = windows
            .get_mut(label)
            .ok_or_else(|| AppError::not_found(format!("Form window {label}")))?;
        let old = w.request.replace(OpenRequest {
            group: created.group.clone(),
            request_id: created.request_id.clone(),
            expires_at: created.expires_at,
            secret: Some(secret),
            shared: Vec::new(),
        });
        w.subscription = SubscriptionState::None;
        let view = RequestView {
            request_id: created.request_id.clone(),
            qr: created.qr.clone(),
            qr_svg,
            expires_at: created.expires_at,
            match_code: created.match_code.clone(),
        };
        Ok((view, old.map(|r| r.group)))
    }

    /// The request id of `label`'s current (or answered) request, for the deletion receipt,
    /// with the keys its opened answer shared (`None` while no answer was opened).
    pub fn receipt_request(&self, label: &str) -> Option<(String, Option<Vec<String>>)> {
        self.lock()
            .get(label)
            .and_then(|w| w.request.as_ref())
            .map(|r| {
                let opened = r.secret.is_none().then(|| r.shared.clone());
                (r.request_id.clone(), opened)
            })
    }

    /// The id of `label`'s request if it expired (at `now`) without an answer arriving.
    pub fn expired_unanswered(&self, label: &str, now: u64) -> Result<String> {
        let windows = self.lock();
        let w = windows
            .get(label)
            .ok_or_else(|| AppError::not_found(format!("Form window {label}")))?;
        let r = w
            .request
            .as_ref()
            .ok_or_else(|| AppError::not_found("An open request of this window"))?;
        if r.secret.is_none() || !w.seen.is_empty() {
            return Err(AppError::new(
                ErrorKind::Invalid,
                "The citizen answered this request: the receipt comes with Complete.",
            ));
        }
        if now <= r.expires_at {
            return Err(AppError::new(
                ErrorKind::Invalid,
                "The request has not expired yet.",
            ));
        }
        Ok(r.request_id.clone())
    }

    /// After Complete (or an expiry receipt): forget the request and what was shown.
    /// Returns the request's group, to leave.
    pub fn clear(&self, label: &str) -> Option<String> {
        let mut windows = self.lock();
        let w = windows.get_mut(label)?;
        w.seen.clear();
        w.subscription = SubscriptionState::None;
        w.request.take().map(|r| r.group)
    }

    /// Routes one relay event to the window it concerns.
    pub fn handle(&self, event: ServerEvent, sink: &dyn WindowSink, now: u64) -> Followup {
        match event {
            ServerEvent::Submission(sub) => self.submission(sub, sink, now),
            ServerEvent::Unsubscribed { group, .. } => {
                self.set_subscription(&group, SubscriptionState::Unsubscribed, sink);
                Followup::Nothing
            }
            ServerEvent::Subscribed { group, .. } => {
                self.set_subscription(&group, SubscriptionState::Subscribed, sink);
                Followup::Nothing
            }
            _ => Followup::Nothing,
        }
    }

    fn set_subscription(&self, group: &str, state: SubscriptionState, sink: &dyn WindowSink) {
        let label = {
            let mut windows = self.lock();
            let found = windows
                .iter_mut()
                .find(|(_, w)| w.request.as_ref().is_some_and(|r| r.group == group));
            found.map(|(label, w)| {
                w.subscription = state;
                label.clone()
            })
        };
        if let Some(label) = label {
            sink.subscription(&label, state);
        }
    }

    fn submission(&self, sub: Submission, sink: &dyn WindowSink, now: u64) -> Followup {
        let mut windows = self.lock();
        let Some((label, w)) = windows
            .iter_mut()
            .find(|(_, w)| w.request.as_ref().is_some_and(|r| r.group == sub.group))
        else {
            return Followup::Nothing; // not ours (yet): the relay keeps it
        };
        let label = label.clone();
        if !w.seen.insert(sub.id.clone()) {
            return Followup::Ack(sub.id);
        }
        let result = match &sub.payload {
            SubmissionPayload::Sealed { qr } => open_sealed(w, qr, now),
            SubmissionPayload::Plain { values } => Ok(plain_values(&w.form, values)),
        };
        drop(windows);
        match result {
            Ok((values, outcomes)) => {
                let filled = FormFilled {
                    submission_id: sub.id.clone(),
                    values,
                    outcomes,
                };
                sink.filled(&label, &filled);
            }
            // An answer that cannot be opened never will be: acknowledge it so the relay
            // deletes it, and tell the clerk why.
            Err(e) => sink.error(&label, &e),
        }
        Followup::Ack(sub.id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, WindowState>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Fill = (Map<String, Value>, Map<String, Value>);

/// Opens a sealed answer with the window's key (then drops the key) and maps vocabulary
/// keys to the form's fields.
fn open_sealed(w: &mut WindowState, text: &str, now: u64) -> Result<Fill> {
    let req = w.request.as_mut().expect("matched by group");
    let secret = req
        .secret
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorKind::Replayed, "This request was already answered."))?;
    let opened = qr::open_response(text, secret, now).map_err(protocol_error)?;
    req.secret = None;
    req.shared = opened
        .outcomes
        .iter()
        .filter(|(_, outcome, _)| matches!(outcome, FieldOutcome::Shared(_)))
        .map(|(key, _, _)| key.clone())
        .collect();
    let (mut values, mut outcomes) = (Map::new(), Map::new());
    for (key, outcome, _provenance) in opened.outcomes {
        for f in w
            .form
            .fields
            .iter()
            .filter(|f| f.prefill.as_deref() == Some(key.as_str()))
        {
            let tag = match &outcome {
                FieldOutcome::Shared(v) => {
                    values.insert(f.name.clone(), typed_value(&w.form, &f.name, v));
                    "shared"
                }
                FieldOutcome::Declined => "declined",
                FieldOutcome::Unavailable => "unavailable",
            };
            outcomes.insert(f.name.clone(), tag.into());
        }
    }
    Ok((values, outcomes))
}

fn plain_values(form: &FormDef, values: &Map<String, Value>) -> Fill {
    let mut kept = Map::new();
    let mut outcomes = Map::new();
    for (k, v) in values {
        if form.field(k).is_some() {
            kept.insert(k.clone(), v.clone());
            outcomes.insert(k.clone(), "shared".into());
        }
    }
    (kept, outcomes)
}

/// Wallet values are strings; numbers and booleans follow the schema's type.
fn typed_value(form: &FormDef, field: &str, v: &str) -> Value {
    let ty = form
        .schema
        .pointer(&format!("/properties/{field}/type"))
        .and_then(Value::as_str);
    match ty {
        Some("integer") => v
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| v.into()),
        Some("number") => v
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or_else(|_| v.into()),
        Some("boolean") => Value::Bool(v == "true"),
        _ => v.into(),
    }
}

/// The clerk's words for a QR exchange error.
pub fn protocol_error(e: formdesk_protocol::error::Error) -> AppError {
    use formdesk_protocol::error::Error as E;
    let kind = match &e {
        E::Expired { .. } => ErrorKind::Expired,
        E::WrongKey | E::OtherRequest { .. } => ErrorKind::WrongRequest,
        E::Replayed { .. } => ErrorKind::Replayed,
        E::UnsupportedVersion { .. } => ErrorKind::UpdateNeeded,
        _ => ErrorKind::Internal,
    };
    let lead = match kind {
        ErrorKind::Expired => "The request has expired; start a new request.",
        ErrorKind::WrongRequest => "This QR code is for another request.",
        ErrorKind::Replayed => "This answer was already used.",
        ErrorKind::UpdateNeeded => "The citizen's wallet uses a newer format: update needed.",
        _ => "The QR code could not be read.",
    };
    AppError::new(kind, format!("{lead} ({e})"))
}
