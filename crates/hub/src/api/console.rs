//! The staff console (社区工作台) at `/console/`: the files of console/dist, embedded by build.rs. A hub
//! built without them answers a page saying so, in the request's language, instead of failing to build.
use axum::extract::Path;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use linli_i18n::Lang;

/// (path under console/dist, contents), sorted by path; empty when the console was not built.
static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/console_files.rs"));

/// Only the hub's own scripts, styles and API; never framed (clickjacking of the status form).
const CSP: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; \
                   form-action 'self'; object-src 'none'";

/// Whether this hub binary carries the console.
pub fn built() -> bool {
    !FILES.is_empty()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn file(path: &str) -> Option<&'static [u8]> {
    FILES
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| FILES[i].1)
}

fn answer(status: StatusCode, ctype: &str, cache: &'static str, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(ctype) {
        h.insert(CONTENT_TYPE, v);
    }
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The page a hub without the console answers.
fn not_built(headers: &HeaderMap) -> Response {
    let lang =
        Lang::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let title = linli_i18n::message(lang, "console-not-built-title");
    let body = linli_i18n::message(lang, "console-not-built-body");
    let page = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         </head><body><main><h1>{title}</h1><p>{body}</p></main></body></html>",
        lang.tag()
    );
    answer(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html; charset=utf-8",
        "no-store",
        page.into_bytes(),
    )
}

fn index(headers: &HeaderMap) -> Response {
    match file("index.html") {
        Some(bytes) => answer(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "no-cache",
            bytes.to_vec(),
        ),
        None => not_built(headers),
    }
}

pub async fn redirect() -> Redirect {
    Redirect::permanent("/console/")
}

pub async fn root(headers: HeaderMap) -> Response {
    index(&headers)
}

/// A built asset (hashed names: cached for good), or the app's page for any other path.
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match file(&path) {
        Some(bytes) if path.starts_with("assets/") => answer(
            StatusCode::OK,
            content_type(&path),
            "public, max-age=31536000, immutable",
            bytes.to_vec(),
        ),
        Some(bytes) => answer(
            StatusCode::OK,
            content_type(&path),
            "no-cache",
            bytes.to_vec(),
        ),
        None => index(&headers),
    }
}
