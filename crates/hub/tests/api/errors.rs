//! Bad inputs answer their code, in the caller's language, and leave nothing half-written.
use linli_hub::admin;
use linli_hub::store::ReportFilter;
use linli_proto::{Address, ErrorCode, OpBody, OpStatus};
use uuid::Uuid;

use crate::helpers::{report_body, start};

fn report_with(f: impl FnOnce(&mut OpBody)) -> OpBody {
    let mut b = report_body("facilities", "水管漏水");
    f(&mut b);
    b
}

#[tokio::test]
async fn every_bad_report_answers_its_code_and_writes_nothing() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let cases: Vec<(OpBody, ErrorCode)> = vec![
        (
            report_with(|b| {
                if let OpBody::CreateReport { text, .. } = b {
                    *text = "长".repeat(2001)
                }
            }),
            ErrorCode::FieldTooLong,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { text, .. } = b {
                    *text = "  ".into()
                }
            }),
            ErrorCode::FieldRequired,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { category, .. } = b {
                    *category = "weather".into()
                }
            }),
            ErrorCode::UnknownCategory,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { address, .. } = b {
                    *address = Address {
                        building: Some("9号楼".into()),
                        ..Default::default()
                    }
                }
            }),
            ErrorCode::UnknownAddress,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { address, .. } = b {
                    *address = Address {
                        building: Some("1号楼".into()),
                        unit: Some("1单元".into()),
                        room: Some("999".into()),
                        text: None,
                    }
                }
            }),
            ErrorCode::UnknownAddress,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { photos, .. } = b {
                    *photos = vec!["a".repeat(64); 10]
                }
            }),
            ErrorCode::TooManyPhotos,
        ),
        (
            report_with(|b| {
                if let OpBody::CreateReport { photos, .. } = b {
                    *photos = vec!["b".repeat(64)]
                }
            }),
            ErrorCode::BlobMissing,
        ),
    ];
    for (body, code) in cases {
        let r = t.push1(&dev, body).await;
        assert_eq!(r.status, OpStatus::Rejected);
        assert_eq!(r.code, Some(code));
        assert!(r.message.is_some());
    }
    let mut proxied = dev.op(report_body("facilities", "代办"));
    proxied.on_behalf_of = Some(Uuid::now_v7());
    let r = t.push(&dev, &[proxied]).await.remove(0);
    assert_eq!(r.code, Some(ErrorCode::ProxyNotGranted));
    assert!(
        admin::reports::list(t.hub(), &t.staff(), &ReportFilter::default())
            .unwrap()
            .is_empty()
    );

    // A known address is fine; the same report id twice is refused.
    let good = report_with(|b| {
        if let OpBody::CreateReport { address, .. } = b {
            *address = Address {
                building: Some("1号楼".into()),
                unit: Some("2单元".into()),
                room: Some("201".into()),
                text: None,
            }
        }
    });
    let OpBody::CreateReport { report_id, .. } = good.clone() else {
        unreachable!()
    };
    assert_eq!(t.push1(&dev, good).await.status, OpStatus::Applied);
    let again = report_with(|b| {
        if let OpBody::CreateReport { report_id: id, .. } = b {
            *id = report_id
        }
    });
    assert_eq!(
        t.push1(&dev, again).await.code,
        Some(ErrorCode::ReportExists)
    );
    assert_eq!(
        admin::reports::list(t.hub(), &t.staff(), &ReportFilter::default())
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn request_errors_are_json_in_the_callers_language() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&dev.token)
        .header("content-type", "application/json")
        .header("accept-language", "en-US,en;q=0.9")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");
    assert_eq!(body["message"], "The request was incomplete or malformed");

    let huge = format!("{{\"ops\":[],\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let resp = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&dev.token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    assert_eq!(body["message"], "内容太大，无法发送");

    let resp = t.http.get(t.url("/v1/nowhere")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let resp = t.http.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

/// A push is authenticated before its body is judged: unknown and revoked devices get 401 whatever
/// they send, a device without a token too.
#[tokio::test]
async fn pushes_of_unknown_or_revoked_devices_are_unauthorized() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let push = |token: Option<&str>, body: &'static str| {
        let mut req = t
            .http
            .post(t.url("/v1/push"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(push(Some("nope"), "{not json").await, 401);
    assert_eq!(push(Some("nope"), r#"{"ops":[]}"#).await, 401);
    assert_eq!(push(None, r#"{"ops":[]}"#).await, 401);
    assert_eq!(push(Some(&dev.token), r#"{"ops":[]}"#).await, 200);
    admin::devices::revoke(t.hub(), t.community(), dev.device_id).unwrap();
    assert_eq!(push(Some(&dev.token), r#"{"ops":[]}"#).await, 401);
}

/// A route called with a method it does not take answers 405 `method_not_allowed` in the hub's error
/// body, in the caller's language, with an `allow` header naming the methods it takes.
#[tokio::test]
async fn a_wrong_method_answers_405_with_allow_and_the_error_body() {
    let t = start().await;
    for (lang, message) in [
        (
            None,
            linli_i18n::error_message(linli_i18n::Lang::ZhCn, ErrorCode::MethodNotAllowed),
        ),
        (
            Some("en-US"),
            linli_i18n::error_message(linli_i18n::Lang::EnUs, ErrorCode::MethodNotAllowed),
        ),
    ] {
        let mut req = t.http.get(t.url("/v1/push"));
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 405);
        let allow = resp
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(allow.contains("POST"), "allow: {allow:?}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "method_not_allowed");
        assert_eq!(body["message"], message.as_str());
    }
    assert_ne!(
        linli_i18n::error_message(linli_i18n::Lang::ZhCn, ErrorCode::MethodNotAllowed),
        linli_i18n::error_message(linli_i18n::Lang::EnUs, ErrorCode::MethodNotAllowed)
    );
    // A route with two methods names both.
    let resp = t.http.put(t.url("/v1/staff/session")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    let allow = resp.headers()["allow"].to_str().unwrap().to_owned();
    assert!(
        allow.contains("POST") && allow.contains("DELETE"),
        "{allow}"
    );
}
