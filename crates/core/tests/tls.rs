//! Talking to a hub over HTTPS: a community CA made here with rcgen, a hub serving a certificate it
//! signed, a device that trusts it only once told to (`LINLI_HUB_CA`), then joins and syncs a report
//! through it; and plain http to a hub that is not this machine refused before any connection.
//! Its own test binary: it sets process environment variables. Run inside a Secret Service session.
use linli_core::{http, NewReport, Profile};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_syncs_through_tls_with_a_community_ca_and_refuses_plain_http_elsewhere() {
    std::env::remove_var(http::EXTRA_CA_ENV);
    std::env::remove_var(http::ALLOW_INSECURE_ENV);
    let dir = tempfile::tempdir().unwrap();

    // The community office's own CA and the hub's certificate for `localhost`.
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "幸福里社区 CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let hub_key = KeyPair::generate().unwrap();
    let hub_cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&hub_key, &ca, &ca_key)
        .unwrap();
    let (ca_pem, cert_pem, key_pem) = (
        dir.path().join("ca.pem"),
        dir.path().join("hub.pem"),
        dir.path().join("hub.key"),
    );
    std::fs::write(&ca_pem, ca.pem()).unwrap();
    std::fs::write(&cert_pem, hub_cert.pem()).unwrap();
    std::fs::write(&key_pem, hub_key.serialize_pem()).unwrap();

    let config = linli_hub::tls::server_config(&cert_pem, &key_pem).unwrap();
    let hub = linli_hub::spawn_tls_for_tests(&dir.path().join("hub"), config).await;
    linli_hub::admin::demo::seed_demo(hub.hub()).unwrap();
    let url = hub.url();
    assert!(url.starts_with("https://localhost:"), "{url}");
    let invite = || {
        linli_hub::admin::invites::invite(
            hub.hub(),
            linli_hub::admin::community::oldest(hub.hub()).expect("community"),
            "1号楼",
            "1单元",
            "101",
            7,
        )
        .unwrap()
        .code
    };

    // Without the community CA the certificate is not trusted: nothing is sent, the code stays unused.
    let alice = Profile::open(&dir.path().join("alice")).unwrap();
    alice
        .accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    let code = invite();
    let err = alice.join(&url, &code, None).await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    assert!(!alice.is_joined());

    // With it, the device joins and a report goes through.
    std::env::set_var(http::EXTRA_CA_ENV, &ca_pem);
    alice.join(&url, &code, Some("alice".into())).await.unwrap();
    alice.sync().await.unwrap();
    let category = alice.categories().unwrap()[0].key.clone();
    let id = alice
        .new_report(NewReport {
            category,
            text: "楼道灯坏了".into(),
            ..Default::default()
        })
        .unwrap();
    alice.sync().await.unwrap();
    assert!(alice.report(id).unwrap().received_at.is_some());
    assert_eq!(alice.status().unwrap().pending, 0);

    // A plain http address off this machine is refused at once (10.255.255.1 answers nothing: a
    // connection attempt would hang until the timeout), and spends no invitation.
    let bob = Profile::open(&dir.path().join("bob")).unwrap();
    bob.accept_privacy(linli_proto::PRIVACY_NOTICE_VERSION)
        .unwrap();
    let started = Instant::now();
    let err = bob
        .join("http://10.255.255.1:1", &invite(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "insecure_hub_url");
    assert!(started.elapsed() < Duration::from_secs(2));
    let msg = err.user_message(linli_core::Lang::EnUs);
    assert!(msg.contains("https://"), "{msg}");

    // Explicitly allowed, the same address is tried (and, being unreachable, is offline).
    std::env::set_var(http::ALLOW_INSECURE_ENV, "1");
    let client = http::HubClient::new("http://10.255.255.1:1", None, linli_core::Lang::EnUs);
    assert!(client.is_ok());
    std::env::remove_var(http::ALLOW_INSECURE_ENV);
    assert_eq!(
        http::HubClient::new("http://10.255.255.1:1", None, linli_core::Lang::EnUs)
            .unwrap_err()
            .code(),
        "insecure_hub_url"
    );
    hub.shutdown().await;
}
