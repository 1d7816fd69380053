//! REST routes (warp filters) and their handlers. Handlers translate HTTP to calls on
//! `submissions`, `requests`, `auth` and the hub; errors become JSON in `error::recover`.
//! Websocket upgrades (`GET /ws`) are served by `ws`, before these routes.

use std::sync::Arc;

use bytes::Bytes;
use formdesk_protocol::wire::{
    EventCreate, EventPublished, ReceiptCreated, RequestCreate, ServerEvent, SubmissionCreate,
    SubmissionCreated,
};
use http::StatusCode;
use serde::de::DeserializeOwned;
use warp::filters::BoxedFilter;
use warp::host::Authority;
use warp::reply::{json, with_status, Reply, Response};
use warp::{Filter, Rejection};

use crate::auth::{self, Principal, Role};
use crate::error::{self, Error, Result};
use crate::group::Group;
use crate::node::Node;
use crate::requests;
use crate::submissions::{self, PlainTarget};
use crate::web;

/// Every HTTP route of the relay, with the JSON error mapping.
pub fn routes(node: Arc<Node>) -> BoxedFilter<(Response,)> {
    let get = warp::get();
    let post = warp::post();
    // GET /healthz
    let health = warp::path!("healthz")
        .and(get)
        .map(|| json(&serde_json::json!({"status":"ok"})).into_response());
    // GET /metrics
    let n = node.clone();
    let metrics = warp::path!("metrics").and(get).map(move || {
        let mut res = n.metrics.encode().into_response();
        res.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
        );
        res
    });
    // GET /api/office-key (public: it is what wallets trust)
    let n = node.clone();
    let office = warp::path!("api" / "office-key")
        .and(get)
        .map(move || json(&n.office.info()).into_response());
    // GET /api/forms
    let forms = warp::path!("api" / "forms")
        .and(get)
        .and(authed(&node))
        .map(|node: Arc<Node>, _who| json(&node.forms.list()).into_response());
    // GET /api/forms/<id>
    let form = warp::path!("api" / "forms" / String)
        .and(get)
        .and(authed(&node))
        .and_then(|id: String, node: Arc<Node>, _who| async move {
            let f = node
                .forms
                .get(&id)
                .ok_or_else(|| reject(&node, Error::UnknownForm(id.clone())))?;
            Ok::<_, Rejection>(json(f).into_response())
        });
    // POST /api/submissions with JSON body SubmissionCreate; OPTIONS preflight. Every answer
    // (errors too) carries the CORS headers: phones post from pages hosted anywhere.
    let preflight = warp::options().map(|| StatusCode::NO_CONTENT.into_response());
    let create = post.and(authed(&node)).and(body(&node)).and_then(
        |node: Arc<Node>, who: Principal, body: Bytes| async move {
            let res = create_submission(&node, &who, &body).await;
            res.map_err(|e| reject(&node, e))
        },
    );
    // `create` recovers on its own so its rejections (413, 401...) are not outranked by the
    // preflight's "method not allowed".
    let submit = warp::path!("api" / "submissions").and(
        preflight
            .or(create.recover(error::recover).unify())
            .unify()
            .map(with_cors),
    );
    // POST /api/groups/<group>/events with JSON body EventCreate
    let events = warp::path!("api" / "groups" / String / "events")
        .and(post)
        .and(authed(&node))
        .and(body(&node))
        .and_then(
            |group: String, node: Arc<Node>, who: Principal, body: Bytes| async move {
                publish_event(&node, &who, &group, &body).map_err(|e| reject(&node, e))
            },
        );
    // POST /api/requests with JSON body RequestCreate
    let request = warp::path!("api" / "requests")
        .and(post)
        .and(authed(&node))
        .and(body(&node))
        .and_then(|node: Arc<Node>, who: Principal, body: Bytes| async move {
            create_request(&node, &who, &body).map_err(|e| reject(&node, e))
        });
    // POST /api/requests/<id>/receipt with optional JSON body {"fields_received": [..]}
    let receipt = warp::path!("api" / "requests" / String / "receipt")
        .and(post)
        .and(authed(&node))
        .and(optional_body(&node))
        .and_then(
            |id: String, node: Arc<Node>, who: Principal, body: Bytes| async move {
                let fields = receipt_fields(&body).map_err(|e| reject(&node, e))?;
                let r =
                    requests::receipt(&node, &who, &id, fields).map_err(|e| reject(&node, e))?;
                Ok::<_, Rejection>(json(&ReceiptCreated { receipt: r }).into_response())
            },
        );
    // POST /api/tokens with JSON body {"role","desk"?,"label"?}
    let token_new = warp::path!("api" / "tokens")
        .and(post)
        .and(authed(&node))
        .and(body(&node))
        .and_then(|node: Arc<Node>, who: Principal, body: Bytes| async move {
            create_token(&node, &who, &body).map_err(|e| reject(&node, e))
        });
    // POST /api/devices with optional JSON body {"label"} (desk tokens only: phone pairing)
    let device_new = warp::path!("api" / "devices")
        .and(post)
        .and(authed(&node))
        .and(optional_body(&node))
        .and_then(|node: Arc<Node>, who: Principal, body: Bytes| async move {
            create_device(&node, &who, &body).map_err(|e| reject(&node, e))
        });
    // DELETE /api/tokens/<id>
    let token_del = warp::path!("api" / "tokens" / String)
        .and(warp::delete())
        .and(authed(&node))
        .and_then(|id: String, node: Arc<Node>, who: Principal| async move {
            revoke(&node, &who, &id).map_err(|e| reject(&node, e))
        });
    health
        .or(token_new)
        .unify()
        .or(token_del)
        .unify()
        .or(device_new)
        .unify()
        .or(metrics)
        .unify()
        .or(office)
        .unify()
        .or(forms)
        .unify()
        .or(form)
        .unify()
        .or(submit)
        .unify()
        .or(events)
        .unify()
        .or(request)
        .unify()
        .or(receipt)
        .unify()
        .or(web::routes(node.clone()))
        .unify()
        .recover(error::recover)
        .unify()
        .boxed()
}

async fn create_submission(node: &Node, who: &Principal, body: &[u8]) -> Result<Response> {
    let req: SubmissionCreate = parse(body)?;
    let accepted = match (&req.response, &req.form, req.values) {
        (Some(qr), None, None) => submissions::accept_sealed(node, who, qr).await?,
        (None, Some(form), Some(values)) => {
            let desk = target_desk(who, req.desk.as_deref())?;
            let to = PlainTarget {
                desk: &desk,
                form,
                group: req.group.as_deref(),
                request_id: req.request_id.as_deref(),
            };
            submissions::accept_plain(node, to, values).await?
        }
        _ => {
            return Err(Error::BadRequest(
                "send either {form, values} or {response}".into(),
            ))
        }
    };
    let out = SubmissionCreated {
        id: accepted.id,
        delivered_to: accepted.delivered_to,
    };
    Ok(with_status(json(&out), StatusCode::CREATED).into_response())
}

fn publish_event(node: &Node, who: &Principal, group: &str, body: &[u8]) -> Result<Response> {
    if !matches!(who.role, Role::Integration | Role::Admin) {
        return Err(Error::Forbidden(
            "publishing events needs an integration or admin token".into(),
        ));
    }
    let req: EventCreate = parse(body)?;
    let g = match req.desk.as_deref() {
        Some(d) if !group.starts_with("org.") => Group::resolve(Some(d), group)?,
        _ => Group::resolve(None, group)?,
    };
    if g.is_org() && who.role != Role::Admin {
        return Err(Error::Forbidden("only admins publish to org groups".into()));
    }
    let ev = ServerEvent::Event {
        group: Some(g.name.clone()),
        from: None,
        data: req.data,
    };
    let msg = serde_json::to_string(&ev).map_err(|e| Error::Data(e.to_string()))?;
    node.metrics.events_published.inc();
    let report = node.broker.publish(&g.key, &msg.into());
    Ok(json(&EventPublished {
        delivered_to: report.delivered,
    })
    .into_response())
}

fn create_request(node: &Node, who: &Principal, body: &[u8]) -> Result<Response> {
    let req: RequestCreate = parse(body)?;
    let desk = target_desk(who, req.desk.as_deref())?;
    let new = requests::NewRequest {
        desk: &desk,
        form: &req.form,
        keys: &req.keys,
        eph_pub: &req.eph_pub,
        desk_label: req.desk_label.as_deref(),
    };
    let created = requests::create(node, new)?;
    Ok(with_status(json(&created), StatusCode::CREATED).into_response())
}

/// Desk tokens create `device` tokens for their own desk (pairing a clerk phone); admins
/// create any token. The secret is in this answer only.
fn create_token(node: &Node, who: &Principal, body: &[u8]) -> Result<Response> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TokenCreate {
        role: Role,
        desk: Option<String>,
        #[serde(default)]
        label: String,
    }
    let req: TokenCreate = parse(body)?;
    let desk = match who.role {
        Role::Admin => req.desk,
        Role::Desk if req.role == Role::Device => who.desk.clone(),
        _ => {
            return Err(Error::Forbidden(
                "desk tokens create device tokens only; admins any".into(),
            ))
        }
    };
    let (secret, info) = auth::create_token(&node.store, req.role, desk.as_deref(), &req.label)?;
    let out = serde_json::json!({"id": info.id, "secret": secret, "role": info.role, "desk": info.desk, "label": info.label});
    Ok(with_status(json(&out), StatusCode::CREATED).into_response())
}

/// A desk pairs a clerk phone: a `device` token bound to the caller's desk. Desk tokens
/// only (a device cannot mint siblings; admins use `POST /api/tokens`).
fn create_device(node: &Node, who: &Principal, body: &[u8]) -> Result<Response> {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct DeviceCreate {
        #[serde(default)]
        label: String,
    }
    let desk = match (who.role, who.desk.as_deref()) {
        (Role::Desk, Some(d)) => d,
        _ => {
            return Err(Error::Forbidden(
                "only desk tokens pair devices (POST /api/devices)".into(),
            ))
        }
    };
    let req: DeviceCreate = if body.iter().all(u8::is_ascii_whitespace) {
        DeviceCreate::default()
    } else {
        parse(body)?
    };
    if req.label.chars().count() > 100 {
        return Err(Error::BadRequest("label: at most 100 characters".into()));
    }
    let label = if req.label.is_empty() {
        "paired device"
    } else {
        req.label.as_str()
    };
    let (secret, info) = auth::create_token(&node.store, Role::Device, Some(desk), label)?;
    tracing::info!(token = %info.id, desk, "device paired");
    let out = serde_json::json!({"id": info.id, "token": secret, "desk": desk});
    Ok(with_status(json(&out), StatusCode::CREATED).into_response())
}

/// Admins revoke any token; desk tokens revoke the device tokens of their desk. The token's
/// open websockets close with 4001 ("token revoked").
fn revoke(node: &Node, who: &Principal, id: &str) -> Result<Response> {
    let target = auth::list_tokens(&node.store)?
        .into_iter()
        .find(|t| t.id == id);
    let allowed = match (&target, who.role) {
        (Some(_), Role::Admin) => true,
        (Some(t), Role::Desk) => t.role == Role::Device && t.desk == who.desk,
        _ => false,
    };
    if !allowed || !auth::revoke_live(node, id)? {
        return Err(Error::NotFound("no such token".into()));
    }
    Ok(with_status(json(&serde_json::json!({"revoked": id})), StatusCode::OK).into_response())
}

/// The desk a request acts for: the token's own, or (integration/admin) the one named.
fn target_desk(who: &Principal, named: Option<&str>) -> Result<String> {
    match (&who.desk, who.role) {
        (Some(d), Role::Desk | Role::Device) => Ok(d.clone()),
        (_, _) => named
            .filter(|d| crate::group::valid_name(d, 64))
            .map(str::to_string)
            .ok_or_else(|| Error::BadRequest("name the target desk with \"desk\"".into())),
    }
}

fn receipt_fields(body: &[u8]) -> Result<Option<Vec<String>>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReceiptRequest {
        fields_received: Option<Vec<String>>,
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(parse::<ReceiptRequest>(body)?.fields_received)
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Error::BadRequest(format!("invalid body: {e}")),
        _ => Error::MalformedJson(e.to_string()),
    })
}

/// Adds the CORS headers of `/api/submissions` (bearer tokens, no cookies: `*` is safe).
fn with_cors(mut res: Response) -> Response {
    use http::header::{
        HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
        ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    };
    let h = res.headers_mut();
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    res
}

fn reject(node: &Node, e: Error) -> Rejection {
    node.metrics.reject(e.code());
    warp::reject::custom(e)
}

/// The body, capped at `max_body_bytes`.
fn body(node: &Arc<Node>) -> BoxedFilter<(Bytes,)> {
    warp::body::content_length_limit(node.config.max_body_bytes)
        .and(warp::body::bytes())
        .boxed()
}

/// An optional body: like [`body`], but a request with neither `Content-Length` nor
/// `Transfer-Encoding` (a bodyless POST) yields an empty body instead of `411`.
fn optional_body(node: &Arc<Node>) -> BoxedFilter<(Bytes,)> {
    let none = warp::header::optional::<String>("content-length")
        .and(warp::header::optional::<String>("transfer-encoding"))
        .and_then(|cl: Option<String>, te: Option<String>| async move {
            match (cl, te) {
                (None, None) => Ok(Bytes::new()),
                _ => Err(warp::reject::not_found()),
            }
        });
    body(node).or(none).unify().boxed()
}

/// Origin check, `Authorization: Bearer` token, per-token rate: yields the node and caller.
fn authed(node: &Arc<Node>) -> BoxedFilter<(Arc<Node>, Principal)> {
    let node = node.clone();
    warp::header::optional::<String>("origin")
        .and(warp::host::optional())
        .and(warp::header::optional::<String>("authorization"))
        .and_then(
            move |origin: Option<String>, host: Option<Authority>, authz: Option<String>| {
                let node = node.clone();
                async move {
                    let host = host.as_ref().map(Authority::as_str);
                    let who = check(&node, origin.as_deref(), host, authz.as_deref())
                        .map_err(|e| reject(&node, e))?;
                    Ok::<_, Rejection>((node, who))
                }
            },
        )
        .untuple_one()
        .boxed()
}

fn check(
    node: &Node,
    origin: Option<&str>,
    host: Option<&str>,
    authz: Option<&str>,
) -> Result<Principal> {
    if !node.config.origin_allowed(origin, host) {
        return Err(Error::OriginNotAllowed);
    }
    let token = authz
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or(Error::Unauthorized)?;
    let who = auth::authenticate(&node.store, token.trim())?;
    node.check_rate(&who)?;
    Ok(who)
}
