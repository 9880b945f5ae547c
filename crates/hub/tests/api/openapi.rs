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
        "/v1/log/leaves-proof",
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

/// Every answer the hub can give is in the document (what schemathesis found missing): 401 and 429 on
/// every operation that needs a token, 400 where there is a parameter or body, 413 where there is a body.
#[tokio::test]
async fn openapi_documents_the_shared_error_answers() {
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
    for (path, method, statuses) in [
        (
            "/v1/blobs/{sha256}",
            "put",
            &["400", "401", "413", "429"][..],
        ),
        ("/v1/blobs/{sha256}", "get", &["400", "401", "429"]),
        ("/v1/reports/{id}", "get", &["400", "401", "429"]),
        ("/v1/push", "post", &["400", "401", "413", "429"]),
        ("/v1/join", "post", &["400", "413", "429"]),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        for status in statuses {
            assert!(
                responses.get(*status).is_some(),
                "{method} {path} does not document {status}"
            );
        }
    }
    assert!(doc["paths"]["/v1/log/key"]["get"]["responses"]
        .get("401")
        .is_none());
}
