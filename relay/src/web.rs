//! The phone web apps (citizen wallet, clerk companion) at `/wallet/` and `/companion/`:
//! GET/HEAD of the files built into web/dist, embedded at build time (`build.rs`) or read
//! from `Config::web_dir` at run time. `/wallet` redirects to `/wallet/`, which is
//! `index.html`. Paths with `.`/`..` segments, backslashes or NULs are refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, LOCATION, X_CONTENT_TYPE_OPTIONS};
use http::StatusCode;
use warp::filters::path::FullPath;
use warp::filters::BoxedFilter;
use warp::reply::{Reply, Response};
use warp::Filter;

use crate::error::Error;
use crate::node::Node;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_files.rs"));
}

/// The app folders served, each at `/<app>/`.
pub const APPS: [&str; 2] = ["wallet", "companion"];
/// Bound on a file read from `web_dir` (the built apps are a few hundred KB).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// GET/HEAD routes of the web apps; other paths are left to the other routes.
pub fn routes(node: Arc<Node>) -> BoxedFilter<(Response,)> {
    warp::path::full()
        .and_then(
            |p: FullPath| async move { target(p.as_str()).ok_or_else(warp::reject::not_found) },
        )
        .and(warp::get().or(warp::head()).unify())
        .and_then(move |t: Target| {
            let node = node.clone();
            async move { serve(&node, t).await.map_err(warp::reject::custom) }
        })
        .boxed()
}

/// What a web-app path asks for.
#[derive(Debug, PartialEq)]
enum Target {
    /// `/wallet` → `/wallet/`.
    Redirect(String),
    /// A file, as a path under web/dist (`wallet/index.html`).
    File(String),
    /// A path with `..` and the like.
    Refused,
}

fn target(path: &str) -> Option<Target> {
    let rest = path.strip_prefix('/')?;
    let (app, file) = match rest.split_once('/') {
        Some((app, file)) => (app, file),
        None => (rest, ""),
    };
    if !APPS.contains(&app) {
        return None;
    }
    if !rest.contains('/') {
        return Some(Target::Redirect(format!("/{app}/")));
    }
    let file = if file.is_empty() || file.ends_with('/') {
        format!("{file}index.html")
    } else {
        file.to_string()
    };
    let bad = |seg: &str| {
        seg.is_empty()
            || seg.starts_with('.')
            || seg.contains(['\\', '\0'])
            || seg.to_ascii_lowercase().contains("%2e")
            || seg.to_ascii_lowercase().contains("%2f")
            || seg.to_ascii_lowercase().contains("%5c")
    };
    if file.split('/').any(bad) {
        return Some(Target::Refused);
    }
    Some(Target::File(format!("{app}/{file}")))
}

async fn serve(node: &Node, t: Target) -> Result<Response, Error> {
    let rel = match t {
        Target::Redirect(to) => {
            let mut res = StatusCode::MOVED_PERMANENTLY.into_response();
            let loc = HeaderValue::from_str(&to).map_err(|e| Error::Data(e.to_string()))?;
            res.headers_mut().insert(LOCATION, loc);
            return Ok(res);
        }
        Target::Refused => return Err(Error::BadRequest("invalid path".into())),
        Target::File(rel) => rel,
    };
    let bytes = match &node.config.web_dir {
        Some(dir) => from_disk(dir, &rel).await?,
        None => from_embedded(&rel)?,
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(&rel)));
    // File names carry no content hash: always revalidate (the service workers cache).
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

fn from_embedded(rel: &str) -> Result<Vec<u8>, Error> {
    let files = embedded::FILES;
    if files.is_empty() {
        return Err(Error::WebAppsNotBuilt);
    }
    files
        .binary_search_by(|(p, _)| (*p).cmp(rel))
        .map(|i| files[i].1.to_vec())
        .map_err(|_| Error::NotFound("no such file".into()))
}

async fn from_disk(dir: &Path, rel: &str) -> Result<Vec<u8>, Error> {
    let app = rel.split('/').next().unwrap_or_default();
    let Ok(app_dir) = tokio::fs::canonicalize(dir.join(app)).await else {
        return Err(Error::WebAppsNotBuilt);
    };
    let not_found = || Error::NotFound("no such file".into());
    let path: PathBuf = tokio::fs::canonicalize(dir.join(rel))
        .await
        .map_err(|_| not_found())?;
    // Belt and braces after the segment check: never leave the app's folder.
    if !path.starts_with(&app_dir) {
        return Err(not_found());
    }
    let meta = tokio::fs::metadata(&path).await.map_err(|_| not_found())?;
    if !meta.is_file() {
        return Err(not_found());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::TooLarge(MAX_FILE_BYTES as usize));
    }
    Ok(tokio::fs::read(&path).await?)
}

fn content_type(rel: &str) -> &'static str {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        // The phones' QR decoder; browsers compile it while downloading only with this type.
        "wasm" => "application/wasm",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_files_redirects_or_refusals() {
        assert_eq!(target("/wallet"), Some(Target::Redirect("/wallet/".into())));
        assert_eq!(
            target("/wallet/"),
            Some(Target::File("wallet/index.html".into()))
        );
        assert_eq!(
            target("/companion/sw.js"),
            Some(Target::File("companion/sw.js".into()))
        );
        assert_eq!(target("/api/forms"), None);
        assert_eq!(target("/walletx/a"), None);
        for bad in [
            "/wallet/../etc/passwd",
            "/wallet/a/../../x",
            "/wallet/%2e%2e/x",
            "/wallet/.hidden",
            "/wallet//x",
            "/wallet/a%2Fb",
        ] {
            assert_eq!(target(bad), Some(Target::Refused), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("wallet/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type("wallet/manifest.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("wallet/icon.svg"), "image/svg+xml");
        assert_eq!(content_type("wallet/zxing_reader.wasm"), "application/wasm");
    }
}
