//! The typed queries behind the screens (home summary, address book, community contact), and signing out.
use crate::world::*;
use linli_core::{keychain, Lang, NewReport, Profile};
use linli_proto::{ReportStatus, Urgency, VoteScope};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_summary_address_book_and_sign_out() {
    let w = World::start().await;
    let urgent = w.publish_notice("暴雨预警", Urgency::Urgent);
    w.publish_notice("社区电影放映", Urgency::Normal);
    let (cid, _) = w.open_consultation("健身器材选址", VoteScope::PerResident);
    let alice = w.join("alice", HOME_A).await;

    let id = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "单元门禁坏了".into(),
            ..Default::default()
        })
        .unwrap();
    alice.sync().await.unwrap();
    linli_hub::admin::reports::set_status(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        id,
        ReportStatus::Accepted,
        None,
    )
    .unwrap();
    linli_hub::admin::reports::set_status(
        w.hub(),
        linli_hub::admin::community::oldest(w.hub()).expect("community"),
        id,
        ReportStatus::Resolved,
        Some("已修好"),
    )
    .unwrap();
    alice.sync().await.unwrap();

    let home = alice.home().unwrap();
    assert_eq!(home.community.as_ref().unwrap().phone, "010-12345678");
    assert_eq!(home.household.as_ref().unwrap().room, "101");
    assert_eq!(home.unread_notices, 2);
    assert_eq!(home.urgent_notices.len(), 1);
    assert_eq!(home.urgent_notices[0].id, urgent);
    assert_eq!(home.open_consultations[0].id, cid);
    assert_eq!(
        home.reports_awaiting.len(),
        1,
        "resolved, waiting for a rating"
    );
    assert!(home.reports_awaiting[0].can_rate);
    assert_eq!(home.pending, 0);

    alice.mark_notice_read(urgent).unwrap();
    assert_eq!(alice.home().unwrap().unread_notices, 1);
    assert_eq!(alice.notices().unwrap()[0].id, urgent, "urgent first");

    let book = alice.address_book().unwrap();
    assert_eq!(book.len(), 2);
    assert_eq!(book[0].name, "1号楼");
    assert_eq!(book[0].units[0].rooms, vec!["101", "102"]);
    alice.set_language(Lang::EnUs).unwrap();
    assert_eq!(alice.categories().unwrap()[0].name, "Facilities");
    alice.set_setting("text_size", "large").unwrap();
    assert_eq!(
        alice.setting("text_size").unwrap().as_deref(),
        Some("large")
    );

    // The token is in the keychain and in no file of the profile (database, WAL, photos).
    let db = rusqlite::Connection::open(w.profile_dir("alice").join("linli.db")).unwrap();
    let user: String = db
        .query_row(
            "SELECT value FROM settings WHERE key = 'keychain_user'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(db);
    let token = keychain::load(&user)
        .unwrap()
        .expect("token in the keychain");
    for entry in std::fs::read_dir(w.profile_dir("alice")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(token.len()).any(|x| x == token.as_bytes()),
                "token found in {}",
                path.display()
            );
        }
    }

    // Signing out forgets the token and the community, keeps the language.
    alice.sign_out().unwrap();
    assert!(!alice.is_joined());
    assert!(alice.notices().unwrap().is_empty());
    assert!(alice.reports().unwrap().is_empty());
    assert_eq!(alice.status().unwrap().pending, 0);
    assert!(alice.sync().await.is_err());
    drop(alice);
    let alice = Profile::open(&w.profile_dir("alice")).unwrap();
    assert_eq!(alice.language(), Lang::EnUs);
    assert!(!alice.is_joined());
    // The keychain holds no token for this profile any more.
    assert_eq!(keychain::load(&user).unwrap(), None);
}
