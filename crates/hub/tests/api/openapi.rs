//! The OpenAPI document parses and lists the routes.
use crate::helpers::start;

#[tokio::test]
async fn openapi_lists_the_routes() {
    let t = start().await;
    let doc: serde_json::Value = t
        .http
        .get(t.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/join",
        "/v1/me",
        "/v1/pull",
        "/v1/push",
        "/v1/blobs/{sha256}",
        "/v1/events",
        "/v1/reports/{id}",
        "/v1/notices/{id}",
        "/v1/consultations/{id}",
        "/v1/log/key",
        "/v1/log/checkpoint",
        "/v1/log/inclusion",
        "/v1/log/inclusions",
        "/v1/log/consistency",
        "/v1/log/leaves",
        "/v1/log/tallies",
        "/v1/proxy/invites",
        "/v1/proxy/accept",
        "/v1/proxy/grants",
        "/v1/proxy/grants/{id}/revoke",
        "/v1/proxy/visitors",
        "/v1/proxy/visitor/pull",
        "/v1/proxy/visitor/push",
        "/v1/proxy/visitor/grants",
        "/v1/proxy/visitor/grants/{id}/give-up",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    for schema in [
        "PushRequest",
        "PullPage",
        "Record",
        "ErrorBody",
        "ErrorCode",
        "LogReceipt",
        "InclusionProof",
        "LogLeaves",
        "ProxyGrant",
        "ProxyInvite",
        "ProxyAct",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "missing {schema}"
        );
    }
    let pull_params = doc["paths"]["/v1/pull"]["get"]["parameters"].to_string();
    assert!(pull_params.contains("\"for\""), "{pull_params}");
}
