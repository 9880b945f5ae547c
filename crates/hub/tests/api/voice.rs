//! Voice messages (语音留言): the hub judges an upload by its content (Ogg pages, Opus headers, the
//! length from the last granule position), keeps the length it read, and keeps and deletes voice
//! messages like photos (export, account closure, retention).
use std::io::Read;

use chrono::Duration;
use linli_hub::admin;
use linli_proto::{OpBody, OpStatus, ReportStatus, VoiceRef};
use uuid::Uuid;

use crate::helpers::{png, sha256_hex, start, Device, TestHub};

/// A tone of `secs` seconds, encoded by the same code the device uses.
fn opus(secs: f32) -> Vec<u8> {
    let n = (secs * linli_voice::SAMPLE_RATE as f32) as usize;
    let pcm: Vec<f32> = (0..n)
        .map(|i| (i as f32 / 16_000.0 * 440.0 * std::f32::consts::TAU).sin() * 0.4)
        .collect();
    linli_voice::encode_pcm(&pcm).unwrap()
}

/// Uploads `bytes`; answers the status and, for a refusal, the error code and message.
async fn put(
    t: &TestHub,
    dev: &Device,
    bytes: &[u8],
    lang: &str,
) -> (u16, Option<(String, String)>) {
    let resp = t
        .http
        .put(t.url(&format!("/v1/blobs/{}", sha256_hex(bytes))))
        .bearer_auth(&dev.token)
        .header("accept-language", lang)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    if status == 204 {
        return (status, None);
    }
    let body: serde_json::Value = resp.json().await.unwrap();
    (
        status,
        Some((
            body["code"].as_str().unwrap().to_string(),
            body["message"].as_str().unwrap().to_string(),
        )),
    )
}

fn voice_report(sha: &str, claimed_ms: u32) -> (Uuid, OpBody) {
    let id = Uuid::now_v7();
    (
        id,
        OpBody::CreateReport {
            report_id: id,
            category: "environment".into(),
            text: String::new(),
            address: Default::default(),
            location: None,
            photos: vec![],
            voice: Some(VoiceRef {
                sha256: sha.into(),
                duration_ms: claimed_ms,
            }),
        },
    )
}

#[tokio::test]
async fn voice_uploads_are_judged_by_their_content_with_stable_codes_in_both_languages() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let good = opus(2.5);
    assert_eq!(put(&t, &dev, &good, "zh-CN").await, (204, None));
    assert_eq!(
        put(&t, &dev, &good, "zh-CN").await,
        (204, None),
        "idempotent"
    );

    // A WAV is sound, but not Opus.
    let mut wav = b"RIFF\x24\0\0\0WAVEfmt ".to_vec();
    wav.extend_from_slice(&[0; 40]);
    let (status, err) = put(&t, &dev, &wav, "zh-CN").await;
    let (code, zh) = err.unwrap();
    assert_eq!((status, code.as_str()), (422, "voice_not_opus"));
    assert!(zh.contains("语音"), "{zh}");
    let (_, err) = put(&t, &dev, &wav, "en-US").await;
    assert!(err.unwrap().1.contains("Opus"));

    // Named Ogg, but a page's checksum is broken.
    let mut broken = good.clone();
    let n = broken.len();
    broken[n - 5] ^= 0x55;
    assert_eq!(
        put(&t, &dev, &broken, "zh-CN").await.1.unwrap().0,
        "voice_not_opus"
    );
    // Ogg with no Opus header (a page of something else).
    let mut not_opus = good.clone();
    let head = not_opus.windows(8).position(|w| w == b"OpusHead").unwrap();
    not_opus[head..head + 8].copy_from_slice(b"VorbisXX");
    assert_eq!(
        put(&t, &dev, &not_opus, "zh-CN").await.1.unwrap().0,
        "voice_not_opus"
    );

    // 61 seconds is over the minute and its tolerance; 60 is not.
    let (status, err) = put(&t, &dev, &opus(61.0), "en-US").await;
    let (code, en) = err.unwrap();
    assert_eq!((status, code.as_str()), (422, "voice_too_long"));
    assert!(en.contains("60"), "{en}");
    assert_eq!(put(&t, &dev, &opus(60.0), "zh-CN").await.0, 204);

    // Over the size limit, whatever its pages say.
    let mut big = good.clone();
    big.resize(linli_proto::limits::VOICE_MAX_BYTES + 1, 0);
    let (status, err) = put(&t, &dev, &big, "zh-CN").await;
    assert_eq!((status, err.unwrap().0.as_str()), (413, "voice_too_big"));
}

#[tokio::test]
async fn a_report_and_a_comment_carry_a_voice_message_with_the_length_the_hub_read() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let voice = opus(3.0);
    let sha = sha256_hex(&voice);

    // Not uploaded yet: the op waits for it like a photo would be refused.
    let (_, early) = voice_report(&sha, 3000);
    let r = t.push1(&dev, early).await;
    assert_eq!(r.status, OpStatus::Rejected);
    assert_eq!(r.code, Some(linli_proto::ErrorCode::VoiceMissing));

    assert_eq!(put(&t, &dev, &voice, "zh-CN").await.0, 204);
    // A photo is no voice message.
    let photo = png(b"pixels");
    assert_eq!(put(&t, &dev, &photo, "zh-CN").await.0, 204);
    let (_, wrong) = voice_report(&sha256_hex(&photo), 1000);
    assert_eq!(
        t.push1(&dev, wrong).await.code,
        Some(linli_proto::ErrorCode::VoiceMissing)
    );
    // No text and no voice is still refused.
    let r = t
        .push1(&dev, crate::helpers::report_body("environment", " "))
        .await;
    assert_eq!(r.code, Some(linli_proto::ErrorCode::FieldRequired));

    // Voice instead of text; the device claims 9 s, the hub keeps the 3 s it read.
    let (id, body) = voice_report(&sha, 9000);
    assert_eq!(t.push1(&dev, body).await.status, OpStatus::Applied);
    let (status, report) = t.get(&dev, &format!("/v1/reports/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(report["voice"]["sha256"], sha.as_str());
    assert_eq!(report["voice"]["duration_ms"], 3000);

    // A spoken comment beside a written one.
    let reply = opus(1.5);
    assert_eq!(put(&t, &dev, &reply, "zh-CN").await.0, 204);
    let comment = OpBody::CommentReport {
        report_id: id,
        text: "补充一句".into(),
        voice: Some(VoiceRef {
            sha256: sha256_hex(&reply),
            duration_ms: 1500,
        }),
    };
    assert_eq!(t.push1(&dev, comment).await.status, OpStatus::Applied);
    let (_, report) = t.get(&dev, &format!("/v1/reports/{id}")).await;
    let spoken: Vec<_> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["voice"].is_null())
        .collect();
    assert_eq!(spoken.len(), 1);
    assert_eq!(spoken[0]["voice"]["duration_ms"], 1500);
    assert_eq!(spoken[0]["text"], "补充一句");

    // The household downloads it as Ogg; a neighbour who knows the hash does not.
    let resp = t
        .http
        .get(t.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/ogg");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), voice);
    let neighbour = t.join("1号楼", "1单元", "102").await;
    let (status, _) = t.get(&neighbour, &format!("/v1/blobs/{sha}")).await;
    assert_eq!(status, 404);
}

/// A resident with a spoken report; answers its id and the voice's sha256.
async fn spoken_report(t: &TestHub, dev: &Device, secs: f32) -> (Uuid, String) {
    let voice = opus(secs);
    assert_eq!(put(t, dev, &voice, "zh-CN").await.0, 204);
    let sha = sha256_hex(&voice);
    let (id, body) = voice_report(&sha, (secs * 1000.0) as u32);
    assert_eq!(t.push1(dev, body).await.status, OpStatus::Applied);
    (id, sha)
}

#[tokio::test]
async fn the_export_holds_the_voice_and_closing_the_account_deletes_it() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let (_, sha) = spoken_report(&t, &dev, 2.0).await;
    let resp = t
        .http
        .get(t.url("/v1/account/export"))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut f = zip
        .by_name(&format!("linli-export/photos/{sha}.opus"))
        .expect("the voice message is in the export");
    let mut data = Vec::new();
    f.read_to_end(&mut data).unwrap();
    assert_eq!(sha256_hex(&data), sha);
    assert_eq!(linli_voice::inspect(&data).unwrap().duration_ms, 2000);

    let file = t.dir.path().join("blobs").join(&sha);
    assert!(file.exists());
    let resp = t
        .http
        .post(t.url("/v1/account/close"))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let done: linli_proto::AccountClosed = resp.json().await.unwrap();
    assert_eq!(done.photos_deleted, 1);
    assert!(!file.exists(), "the voice file is gone");
}

#[tokio::test]
async fn voice_messages_of_long_resolved_reports_go_with_their_photos() {
    let t = start().await;
    let dev = t.join("1号楼", "1单元", "101").await;
    let (old, old_sha) = spoken_report(&t, &dev, 1.0).await;
    let (fresh, fresh_sha) = spoken_report(&t, &dev, 2.0).await;
    for r in [old, fresh] {
        admin::reports::set_status(t.hub(), t.community(), r, ReportStatus::Accepted, None)
            .unwrap();
    }
    admin::reports::set_status(t.hub(), t.community(), old, ReportStatus::Resolved, None).unwrap();
    t.hub().set_photo_retention_days(30);
    t.clock.advance(Duration::days(31));
    assert_eq!(linli_hub::privacy::expire_photos(t.hub()).unwrap(), 1);
    let blob = |sha: &str| t.dir.path().join("blobs").join(sha);
    assert!(!blob(&old_sha).exists());
    assert!(blob(&fresh_sha).exists());
    let (_, report) = t.get(&dev, &format!("/v1/reports/{old}")).await;
    assert!(report["voice"].is_null());
    let (_, report) = t.get(&dev, &format!("/v1/reports/{fresh}")).await;
    assert_eq!(report["voice"]["duration_ms"], 2000);
}
