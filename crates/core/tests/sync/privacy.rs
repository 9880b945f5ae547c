//! The resident's rights on the device: no join without agreeing to the current privacy notice (asked
//! again when it changes), the copy of their data, and closing the account (hub and device both).
use linli_core::{keychain, CoreError, NewReport, Profile};
use linli_proto::{ErrorCode, PRIVACY_NOTICE_VERSION};

use crate::world::{World, HOME_A, HOME_B};

fn setting(p: &Profile, key: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(p.dir().join("linli.db")).unwrap();
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .ok()
}

#[tokio::test]
async fn joining_needs_the_current_notice_and_a_changed_notice_asks_again() {
    let w = World::start().await;
    let dir = w.profile_dir("alice");
    let p = Profile::open(&dir).unwrap();
    let code = w.invite(HOME_A);
    assert!(p.privacy_status().unwrap().must_ask);
    match p.join(&w.proxy.url(), &code, None).await {
        Err(CoreError::Refused(ErrorCode::PrivacyConsentRequired)) => {}
        other => panic!("expected privacy_consent_required, got {other:?}"),
    }
    assert!(matches!(
        p.accept_privacy(PRIVACY_NOTICE_VERSION - 1),
        Err(CoreError::Refused(ErrorCode::PrivacyConsentRequired))
    ));
    let status = p.accept_privacy(PRIVACY_NOTICE_VERSION).unwrap();
    assert!(!status.must_ask);
    assert_eq!(status.agreed_version, Some(PRIVACY_NOTICE_VERSION));
    assert!(status.agreed_at.is_some());
    // The refused attempt did not spend the code.
    p.join(&w.proxy.url(), &code, None).await.unwrap();

    // A device that agreed to an older notice is asked again (the app asks on start).
    drop(p);
    let conn = rusqlite::Connection::open(dir.join("linli.db")).unwrap();
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE key = 'privacy_version'",
        [(PRIVACY_NOTICE_VERSION - 1).to_string()],
    )
    .unwrap();
    drop(conn);
    let p = Profile::open(&dir).unwrap();
    let status = p.privacy_status().unwrap();
    assert!(status.must_ask);
    assert_eq!(status.agreed_version, Some(PRIVACY_NOTICE_VERSION - 1));
    // Signing out keeps the agreement: it is the person at the device who agreed.
    p.accept_privacy(PRIVACY_NOTICE_VERSION).unwrap();
    p.sign_out().unwrap();
    assert!(!p.privacy_status().unwrap().must_ask);
}

#[tokio::test]
async fn export_writes_a_zip_with_my_report_and_not_my_neighbours() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    let carol = w.join("carol", HOME_B).await;
    for (p, text) in [(&alice, "甲：东门路灯不亮"), (&carol, "丙：西门垃圾满了")] {
        p.new_report(NewReport {
            category: "facilities".into(),
            text: text.into(),
            ..Default::default()
        })
        .unwrap();
        p.sync().await.unwrap();
    }
    let out = w.dir.path().join("exports").join("alice.zip");
    let size = alice.export_my_data(&out).await.unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert_eq!(&bytes[..2], b"PK", "a zip");
    // Stored uncompressed: the JSON text is in the file as is.
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("甲：东门路灯不亮"));
    assert!(!text.contains("丙：西门垃圾满了"));
    assert!(!out.with_extension("zip.part").exists());
}

#[tokio::test]
async fn closing_the_account_wipes_the_device_and_the_hub_refuses_the_old_token() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "甲：三楼水管漏水".into(),
            ..Default::default()
        })
        .unwrap();
    alice.sync().await.unwrap();
    let user = setting(&alice, "keychain_user").unwrap();
    let token = keychain::load(&user)
        .unwrap()
        .expect("token in the keychain");
    let db = alice.dir().join("linli.db");
    let before = std::fs::read(&db).unwrap();
    assert!(
        String::from_utf8_lossy(&before).contains("甲：三楼水管漏水") || {
            // The text may still sit in the WAL; the replica shows it either way.
            !alice.reports().unwrap().is_empty()
        }
    );

    let done = alice.close_account().await.unwrap();
    assert_eq!(done.reports_anonymised, 1);
    assert_eq!(done.devices_revoked, 1);

    // The keychain entry is gone; the database was deleted and a new empty one is in its place.
    assert_eq!(keychain::load(&user).unwrap(), None);
    assert!(!alice.is_joined());
    assert!(alice.reports().unwrap().is_empty());
    assert!(
        alice.privacy_status().unwrap().must_ask,
        "asked again before a new join"
    );
    for f in ["linli.db", "linli.db-wal"] {
        if let Ok(bytes) = std::fs::read(alice.dir().join(f)) {
            assert!(!String::from_utf8_lossy(&bytes).contains("甲：三楼水管漏水"));
            assert!(!String::from_utf8_lossy(&bytes).contains(&user));
        }
    }
    assert_eq!(setting(&alice, "keychain_user"), None);
    assert!(!alice.dir().join("photos").exists());

    // The hub refuses the old token.
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/me", w.proxy.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // And the report stays on the hub without its text.
    let kept = w.hub_reports();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].report.text.is_empty());
}

#[tokio::test]
async fn a_housemate_keeps_membership_and_no_longer_sees_the_closed_accounts_reports() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    let bob = w.join("bob", HOME_A).await;
    alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "甲：门禁坏了".into(),
            ..Default::default()
        })
        .unwrap();
    alice.sync().await.unwrap();
    bob.sync().await.unwrap();
    assert_eq!(bob.reports().unwrap().len(), 1, "the household's report");
    alice.close_account().await.unwrap();
    bob.sync().await.unwrap();
    assert!(
        bob.reports().unwrap().is_empty(),
        "gone from the housemate's device"
    );
    assert!(bob.is_joined());
    assert!(bob.home().is_ok());
}
