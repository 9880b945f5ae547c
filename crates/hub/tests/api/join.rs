//! Invitation codes: redeem ok, reused, expired, wrong, rate limited; tokens and revocation.
use linli_hub::admin;
use linli_hub::domain::invite_code;
use reqwest::StatusCode;

use crate::helpers::start;

#[tokio::test]
async fn redeem_ok_then_reused() {
    let t = start().await;
    let code = t.invite_code("1号楼", "1单元", "101").await;
    // Typed in lower case without the dash still works.
    let (status, body) = t.join_raw(&code.to_lowercase()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["household"]["building"], "1号楼");
    assert_eq!(body["community"]["name"], "幸福里社区");
    assert!(body["token"].as_str().unwrap().len() >= 32);
    let (status, body) = t.join_raw(&invite_code::display(&code)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "invite_used");
}

#[tokio::test]
async fn expired_and_wrong_codes_are_refused() {
    let t = start().await;
    let expired = admin::invites::invite(t.hub(), t.community(), "1号楼", "1单元", "102", -1)
        .unwrap()
        .code;
    let (status, body) = t.join_raw(&expired).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "invite_expired");
    let (status, body) = t.join_raw("ZZZZ-ZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "invite_invalid");
    let (_, body) = t.join_raw("not a code").await;
    assert_eq!(body["code"], "invite_invalid");
}

#[tokio::test]
async fn failed_redeems_are_rate_limited_per_address() {
    let t = start().await;
    for _ in 0..5 {
        let (status, _) = t.join_raw("ZZZZ-ZZZZ").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Even a good code waits now.
    let good = t.invite_code("1号楼", "1单元", "101").await;
    let (status, body) = t.join_raw(&good).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn tokens_are_required_and_revocable() {
    let t = start().await;
    let resp = t.http.get(t.url("/v1/me")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = t
        .http
        .get(t.url("/v1/me"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let dev = t.join("1号楼", "1单元", "101").await;
    let (status, me) = t.get(&dev, "/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["household"]["room"], "101");
    let listed = admin::devices::list(t.hub(), &t.staff()).unwrap();
    assert!(listed.iter().any(|d| d.id == dev.device_id));
    admin::devices::revoke(t.hub(), t.community(), dev.device_id).unwrap();
    let (status, body) = t.get(&dev, "/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
}

/// Guesses spread over many addresses share one hub-wide budget of failures.
#[tokio::test]
async fn failed_redeems_share_a_hub_wide_budget() {
    let t = start().await;
    t.hub()
        .join_failures_hub_wide()
        .set_rate(linli_hub::api::throttle::Rate {
            per_minute: 1,
            burst: 3,
        });
    for _ in 0..3 {
        let (status, _) = t.join_raw("ZZZZ-ZZZZ").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let good = t.invite_code("1号楼", "1单元", "101").await;
    let (status, body) = t.join_raw(&good).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
    // Residents already joined go on as usual.
    assert_eq!(
        t.http.get(t.url("/healthz")).send().await.unwrap().status(),
        200
    );
}
