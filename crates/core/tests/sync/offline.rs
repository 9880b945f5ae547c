//! A report made offline (with a photo) survives the client exiting and starting again, then reaches the
//! hub exactly once with its photo, stripped of EXIF; a non-image is refused before anything is queued.
use crate::world::*;
use linli_core::{Address, CoreError, NewReport, Profile, SyncState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_report_survives_restart_and_arrives_once_with_its_photo() {
    let w = World::start().await;
    let alice = w.join("alice", HOME_A).await;
    assert_eq!(alice.categories().unwrap().len(), 2);

    w.proxy.set_offline(true);
    let refused = alice.new_report(NewReport {
        category: "facilities".into(),
        text: "楼道灯坏了".into(),
        photos: vec![write_text_as_jpg(w.dir.path())],
        ..Default::default()
    });
    assert!(matches!(refused, Err(CoreError::PhotoNotImage { .. })));
    assert_eq!(
        alice.status().unwrap().pending,
        0,
        "nothing queued for a refused photo"
    );
    let unknown_place = alice.new_report(NewReport {
        category: "facilities".into(),
        text: "楼道灯坏了".into(),
        address: Address {
            building: Some("9号楼".into()),
            ..Default::default()
        },
        ..Default::default()
    });
    assert_eq!(unknown_place.unwrap_err().code(), "unknown_address");

    let id = alice
        .new_report(NewReport {
            category: "facilities".into(),
            text: "楼道灯坏了".into(),
            address: Address {
                building: Some("1号楼".into()),
                unit: Some("1单元".into()),
                room: None,
                text: Some("三楼楼梯口".into()),
            },
            location: None,
            photos: vec![write_big_photo(w.dir.path())],
        })
        .unwrap();
    let shown = alice.report(id).unwrap();
    assert!(shown.pending && shown.received_at.is_none());
    assert_eq!(shown.photos.len(), 1);
    let err = alice.sync().await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    let status = alice.status().unwrap();
    assert_eq!((status.state, status.pending), (SyncState::Offline, 1));
    assert!(w.hub_reports().is_empty());

    // The app is killed and started again.
    drop(alice);
    let alice = Profile::open(&w.profile_dir("alice")).unwrap();
    assert_eq!(alice.status().unwrap().pending, 1);
    assert!(alice.report(id).unwrap().pending);

    w.proxy.set_offline(false);
    let outcome = alice.sync().await.unwrap();
    assert_eq!((outcome.applied, outcome.photos_uploaded), (1, 1));
    let again = alice.sync().await.unwrap();
    assert_eq!(again.applied, 0, "nothing sent twice");

    let mine = alice.report(id).unwrap();
    assert!(!mine.pending && mine.received_at.is_some());
    assert_eq!(alice.status().unwrap().pending, 0);
    let on_hub = w.hub_reports();
    assert_eq!(on_hub.len(), 1, "exactly one copy on the hub");
    assert_eq!(on_hub[0].report.id, id);
    assert_eq!(on_hub[0].report.photos, mine.photos);

    // Another device of the household gets the photo from the hub when it syncs: small, and no EXIF.
    let bob = w.join("bob", HOME_A).await;
    let sha = &mine.photos[0];
    // Joining synced once, which fetched the household's report photos.
    let bytes = bob.photo_bytes(sha, false).unwrap();
    assert_eq!(bytes, alice.photo_bytes(sha, false).unwrap());
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    let img = image::load_from_memory(&bytes).unwrap();
    assert!(img.width().max(img.height()) <= 1600);
    assert!(
        !bob.photo_bytes(sha, true).unwrap().is_empty(),
        "a thumbnail made here"
    );
}
