//! Pull: the first pull carries the community, paging with cursors, resume, tombstones.
use linli_hub::admin;
use linli_hub::store::NewNotice;
use linli_proto::{Record, Urgency};

use crate::helpers::start;

fn notice(i: usize) -> NewNotice {
    NewNotice {
        title: format!("通知 {i}"),
        body: "内容".into(),
        urgency: Urgency::Normal,
        pinned: false,
        expires_at: None,
        buildings: vec![],
    }
}

#[tokio::test]
async fn first_pull_has_community_household_categories_buildings() {
    let t = start().await;
    let dev = t.join("2号楼", "1单元", "101").await;
    let records = t.replica(&dev).await;
    let count = |f: fn(&Record) -> bool| records.iter().filter(|r| f(r)).count();
    assert_eq!(count(|r| matches!(r, Record::Community(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::Category(_))), 6);
    assert_eq!(count(|r| matches!(r, Record::Building(_))), 3);
    // The community's five notices and the street's one, shown with the street's name; nothing of the
    // street's other community (安康苑社区: its buildings, categories, notices).
    assert_eq!(count(|r| matches!(r, Record::Notice(_))), 6);
    assert_eq!(
        count(|r| matches!(r, Record::Notice(n) if n.street.as_deref() == Some("和平街道"))),
        1
    );
    assert!(records.iter().any(
        |r| matches!(r, Record::Community(c) if c.name == "幸福里社区" && c.street.as_deref() == Some("和平街道"))
    ));
    assert_eq!(count(|r| matches!(r, Record::Consultation(_))), 2);
    let households: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Household(h) => Some(h),
            _ => None,
        })
        .collect();
    assert_eq!(households.len(), 1, "only the caller's own household");
    assert_eq!(households[0].id, dev.household_id);
    let b1 = records
        .iter()
        .find_map(|r| match r {
            Record::Building(b) if b.name == "1号楼" => Some(b),
            _ => None,
        })
        .unwrap();
    assert_eq!(b1.units.len(), 2);
    assert_eq!(b1.units[0].rooms, vec!["101", "102", "201", "202"]);
}

#[tokio::test]
async fn pages_follow_the_cursor_and_resume() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    for i in 0..40 {
        admin::notices::publish(t.hub(), t.community(), &notice(i)).unwrap();
    }
    let mut cursor = 0;
    let mut seqs = Vec::new();
    let mut pages = 0;
    let mut resume_from = None;
    loop {
        let page = t.pull_page(&dev, cursor, 10).await;
        assert!(page.changes.len() <= 10);
        seqs.extend(page.changes.iter().map(|c| c.seq));
        pages += 1;
        if pages == 3 {
            resume_from = Some((page.next_cursor, seqs.len()));
        }
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    assert!(pages >= 6);
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "seq strictly increasing"
    );
    // Resuming from a saved cursor gives exactly the rest.
    let (saved, seen) = resume_from.unwrap();
    let mut rest = Vec::new();
    let mut c = saved;
    loop {
        let page = t.pull_page(&dev, c, 1000).await;
        rest.extend(page.changes.iter().map(|x| x.seq));
        c = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(rest, seqs[seen..].to_vec());
    // Caught up: nothing new, cursor unchanged.
    let page = t.pull_page(&dev, cursor, 10).await;
    assert!(page.changes.is_empty());
    assert_eq!(page.next_cursor, cursor);
    assert!(!page.has_more);
}

#[tokio::test]
async fn retraction_is_a_tombstone_and_pages_keep_the_latest() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let head = t.pull_page(&dev, 0, 1000).await.next_cursor;
    let id = admin::notices::publish(t.hub(), t.community(), &notice(1)).unwrap();
    admin::notices::retract(t.hub(), t.community(), id).unwrap();
    let page = t.pull_page(&dev, head, 100).await;
    // Published then retracted in one page: only the tombstone remains.
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].record, Record::NoticeRemoved { id });
    let (status, body) = t.get(&dev, &format!("/v1/notices/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "notice_not_found");
}

/// Pull pages go compressed to devices that accept zstd or gzip, and plain to those that don't.
#[tokio::test]
async fn pull_pages_are_compressed_when_the_device_accepts_it() {
    let t = start().await;
    for i in 0..200 {
        admin::notices::publish(t.hub(), t.community(), &notice(i)).unwrap();
    }
    let dev = t.join("1号楼", "1单元", "101").await;
    // A client that decodes nothing itself, so the wire form is visible.
    let raw = reqwest::Client::builder()
        .no_zstd()
        .no_gzip()
        .build()
        .unwrap();
    let fetch = |encoding: &'static str| {
        let req = raw
            .get(t.url("/v1/pull?cursor=0&limit=1000"))
            .bearer_auth(&dev.token)
            .header("accept-encoding", encoding);
        async move {
            let resp = req.send().await.unwrap();
            assert!(resp.status().is_success());
            let enc = resp
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            (enc, resp.bytes().await.unwrap().len())
        }
    };
    let (plain_enc, plain_len) = fetch("identity").await;
    let (zstd_enc, zstd_len) = fetch("zstd").await;
    let (gzip_enc, gzip_len) = fetch("gzip").await;
    assert_eq!(plain_enc, None);
    assert_eq!(zstd_enc.as_deref(), Some("zstd"));
    assert_eq!(gzip_enc.as_deref(), Some("gzip"));
    assert!(
        zstd_len * 4 < plain_len,
        "zstd {zstd_len} vs plain {plain_len}"
    );
    assert!(
        gzip_len * 4 < plain_len,
        "gzip {gzip_len} vs plain {plain_len}"
    );
}
