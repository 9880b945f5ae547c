//! The request's language (from `Accept-Language`, zh-CN by default) and the middleware that writes
//! every error message in it.
use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, ALLOW, RETRY_AFTER};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use linli_i18n::Lang;
use linli_proto::ErrorBody;

use crate::error::ErrorMarker;

fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The caller's language, for messages inside successful answers (rejected ops).
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(RequestLang(lang_of(&parts.headers)))
    }
}

/// Re-renders error bodies in the request's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let resp = next.run(req).await;
    match resp.extensions().get::<ErrorMarker>().copied() {
        Some(ErrorMarker(code)) if lang != Lang::default() => {
            let status = resp.status();
            let body = ErrorBody {
                code,
                message: linli_i18n::error_message(lang, code),
            };
            let mut out = (status, Json(body)).into_response();
            // Keep what tells the caller when to come back, and which methods the route takes.
            for name in [RETRY_AFTER, ALLOW] {
                if let Some(v) = resp.headers().get(&name) {
                    out.headers_mut().insert(name, v.clone());
                }
            }
            out.extensions_mut().insert(ErrorMarker(code));
            out
        }
        _ => resp,
    }
}
