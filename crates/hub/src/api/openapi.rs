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

/// Answers every operation can give besides its own: documented once here so the document matches what
/// the hub really says (schemathesis checks each status against it). 400 for a malformed parameter or
/// body, 413 for a body over the limits, 401 and 429 (the per-device rate, see `throttle`) where a
/// device token is needed.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |code: &str| {
            ResponseBuilder::new()
                .description(code)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let shared_params = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let has_body = op.request_body.is_some();
                let has_params =
                    shared_params || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let mut add = |status: &str, code: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(code).into());
                };
                if has_body || has_params {
                    add("400", "bad_request");
                }
                if has_body {
                    add("413", "payload_too_large");
                }
                if secured {
                    add("401", "unauthorized");
                    add("429", "rate_limited");
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linli hub sync API", description = "Sync between resident devices and the community hub."),
    paths(
        super::ready::readyz,
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
        super::log::key_rotations,
        super::log::restores,
        super::log::witnesses,
        super::log::checkpoint,
        super::log::inclusion,
        super::log::inclusions,
        super::log::leaves_proof,
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
        super::staff::set_password,
        super::staff::sign_in,
        super::staff::sign_out,
        super::staff::inbox,
        super::staff::report,
        super::staff::set_status,
        super::staff_dispatch::dispatch,
        super::staff_dispatch::sign,
        super::staff_dispatch::send_back,
        super::staff_dispatch::note,
        super::staff_dispatch::access_log,
        super::staff_dispatch::assignees,
        super::staff_cases::escalations,
        super::staff_cases::reminders,
        super::staff_cases::read_reminder,
        super::staff_cases::templates,
        super::staff_cases::add_template,
        super::staff_cases::edit_template,
        super::staff_cases::delete_template,
        super::staff_account::totp_begin,
        super::staff_account::totp_confirm,
        super::staff_account::totp_disable,
        super::staff_account::sign_out_everywhere,
        super::staff_stats::statistics,
        super::staff_stats::monthly,
        super::staff_hotline::import,
        super::staff_hotline::export,
        super::staff_notices::list,
        super::staff_notices::publish,
        super::staff_notices::retract,
        super::staff_notices::door_knock,
        super::staff_notices::record_knock,
        super::staff_notices::set_care,
        super::staff_notices::consultations,
        super::staff_notices::create_consultation,
        super::staff_notices::close_consultation,
        super::staff_notices::openings,
        super::open311::discovery_xml,
        super::open311::discovery_json,
        super::open311::services_xml,
        super::open311::services_json,
        super::open311::service,
        super::open311::requests_xml,
        super::open311::requests_json,
        super::open311::create_xml,
        super::open311::create_json,
        super::open311::one_request,
        super::open311::token,
    ),
    components(schemas(linli_proto::ErrorCode, linli_proto::Record, linli_proto::Nudge)),
    modifiers(&BearerAuth, &CommonErrors)
)]
pub struct ApiDoc;

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
