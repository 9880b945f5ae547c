//! The OpenAPI 3 document, generated from the handlers and the wire types.
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli hub sync API", description = "Sync between resident devices and the community hub."),
    paths(
        super::join::join,
        super::join::me,
        super::account::export,
        super::account::close,
        super::sync::pull,
        super::sync::push,
        super::blobs::put_blob,
        super::blobs::get_blob,
        super::events::events,
        super::records::report,
        super::records::notice,
        super::records::consultation,
        super::log::key,
        super::log::checkpoint,
        super::log::inclusion,
        super::log::inclusions,
        super::log::consistency,
        super::log::leaves,
        super::log::tallies,
        super::proxy::create_invite,
        super::proxy::accept,
        super::proxy::grants,
        super::proxy::revoke,
        super::proxy_visitor::accept,
        super::proxy_visitor::pull,
        super::proxy_visitor::push,
        super::proxy_visitor::grants,
        super::proxy_visitor::give_up,
    ),
    components(schemas(linli_proto::ErrorCode, linli_proto::Record, linli_proto::Nudge)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
