//! Websocket operations: parse one client frame and apply it (subscribe, publish, send,
//! ack, ping, create_request). Every refusal becomes an `error` event with the op's `id`
//! as `ref`; nothing here closes the connection.

use formdesk_protocol::wire::{ClientOp, ServerEvent, UnsubscribeReason};
use serde_json::Value;

use crate::auth::Role;
use crate::error::{Error, Result};
use crate::group::Group;
use crate::session::Conn;
use crate::{requests, submissions};

/// Applies one text frame of an authenticated connection.
pub fn handle(conn: &Conn, text: &str) {
    if text.len() > conn.node.config.max_message_bytes {
        return conn.error(&Error::TooLarge(conn.node.config.max_message_bytes), None);
    }
    let op = match parse(text) {
        Ok(op) => op,
        Err(e) => return conn.error(&e, None),
    };
    if let Err(e) = conn.node.check_rate(&conn.who) {
        return conn.error(&e, op_id(&op));
    }
    if let Err(e) = apply(conn, &op) {
        conn.error(&e, op_id(&op));
    }
}

/// Malformed JSON, unknown op and bad fields are told apart for the client. A well-formed
/// op is decoded in one pass; only a refused one is parsed again to say why.
fn parse(text: &str) -> Result<ClientOp> {
    match serde_json::from_str::<ClientOp>(text) {
        Ok(op) => Ok(op),
        Err(_) => explain(text),
    }
}

fn explain(text: &str) -> Result<ClientOp> {
    let v: Value = serde_json::from_str(text).map_err(|e| Error::MalformedJson(e.to_string()))?;
    let known = [
        "auth",
        "subscribe",
        "unsubscribe",
        "publish",
        "send",
        "ack",
        "ping",
        "create_request",
    ];
    match v.get("op").and_then(Value::as_str) {
        Some(op) if known.contains(&op) => {}
        _ => return Err(Error::UnknownOp),
    }
    serde_json::from_value(v).map_err(|e| Error::BadRequest(format!("invalid operation: {e}")))
}

fn op_id(op: &ClientOp) -> Option<String> {
    match op {
        ClientOp::Subscribe { id, .. }
        | ClientOp::Unsubscribe { id, .. }
        | ClientOp::Ping { id }
        | ClientOp::CreateRequest { id, .. } => id.clone(),
        ClientOp::Ack { submission } => Some(submission.clone()),
        _ => None,
    }
}

fn apply(conn: &Conn, op: &ClientOp) -> Result<()> {
    let node = &conn.node;
    match op {
        ClientOp::Auth { .. } => Err(Error::BadRequest("already authenticated".into())),
        ClientOp::Subscribe { group, once, id } => {
            let g = Group::resolve(conn.who.desk.as_deref(), group)?;
            node.hub.subscribe(&conn.id, &g.key, *once)?;
            conn.reply(&ServerEvent::Subscribed {
                group: g.name.clone(),
                id: id.clone(),
            });
            let (last, more) = submissions::deliver_pending(
                node,
                &conn.id,
                &g.key,
                *once,
                None,
                conn.pending_batch(),
            )?;
            conn.set_backlog(&g.key, last.filter(|_| more));
            Ok(())
        }
        ClientOp::Unsubscribe { group, .. } => {
            let g = Group::resolve(conn.who.desk.as_deref(), group)?;
            if !node.hub.unsubscribe(&conn.id, &g.key) {
                return Err(Error::NotFound(format!("not subscribed to {}", g.name)));
            }
            conn.reply(&ServerEvent::Unsubscribed {
                group: g.name,
                reason: UnsubscribeReason::Client,
            });
            Ok(())
        }
        ClientOp::Publish { group, data } => {
            let g = Group::resolve(conn.who.desk.as_deref(), group)?;
            if g.is_org() && conn.who.role != Role::Admin {
                return Err(Error::Forbidden("only admins publish to org groups".into()));
            }
            let ev = ServerEvent::Event {
                group: Some(g.name.clone()),
                from: Some(conn.id.to_string()),
                data: data.clone(),
            };
            let msg = serde_json::to_string(&ev).map_err(|e| Error::Data(e.to_string()))?;
            node.metrics.events_published.inc();
            node.broker.publish(&g.key, &msg.into());
            Ok(())
        }
        ClientOp::Send { to, data } => {
            let same_desk = match node.hub.conn_desk(to) {
                Some(desk) => {
                    conn.who.role == Role::Admin || (desk.is_some() && desk == conn.who.desk)
                }
                None => false,
            };
            if !same_desk {
                return Err(Error::NotFound("no such connection".into()));
            }
            let ev = ServerEvent::Event {
                group: None,
                from: Some(conn.id.to_string()),
                data: data.clone(),
            };
            let msg = serde_json::to_string(&ev).map_err(|e| Error::Data(e.to_string()))?;
            node.broker.send_to(to, msg.into());
            Ok(())
        }
        ClientOp::Ack { submission } => {
            submissions::ack(node, &conn.who, submission)?;
            conn.reply(&ServerEvent::Acked {
                submission: submission.clone(),
            });
            // One acknowledged, one more from each group with a backlog.
            for (key, cursor) in conn.backlogs() {
                if !node.hub.is_subscribed(&conn.id, &key) {
                    conn.set_backlog(&key, None);
                    continue;
                }
                let (last, more) =
                    submissions::deliver_pending(node, &conn.id, &key, false, Some(&cursor), 1)?;
                conn.set_backlog(&key, if more { last } else { None });
            }
            Ok(())
        }
        ClientOp::Ping { id } => {
            conn.reply(&ServerEvent::Pong { id: id.clone() });
            Ok(())
        }
        ClientOp::CreateRequest {
            form,
            keys,
            eph_pub,
            desk_label,
            id,
        } => {
            let desk = conn
                .who
                .desk
                .as_deref()
                .ok_or_else(|| Error::Forbidden("requests need a desk token".into()))?;
            let new = requests::NewRequest {
                desk,
                form,
                keys,
                eph_pub,
                desk_label: desk_label.as_deref(),
            };
            let mut created = requests::create(node, new)?;
            created.id = id.clone();
            conn.reply(&ServerEvent::RequestCreated(created));
            Ok(())
        }
    }
}
