//! Residents' personal-information rights on the hub: the copy of their data as a zip, closing their
//! account (database steps in `store::sqlite::closure`, then the photo files), and deleting the photos
//! of long-resolved reports (retention).
use std::io::Write;

use chrono::Duration;
use linli_proto::AccountClosed;
use zip::write::SimpleFileOptions;

use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{ExportData, Viewer};

/// Folder inside the zip that holds everything.
const ROOT: &str = "linli-export";

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "audio/ogg" => "opus",
        _ => "bin",
    }
}

/// The zip the resident downloads: `README.txt`, one `<section>.json` per section, and `photos/<sha256>.<ext>`.
pub fn export_zip(hub: &Hub, data: &ExportData) -> Result<Vec<u8>, HubError> {
    let zip_err = |e: zip::result::ZipError| HubError::Io(std::io::Error::other(e.to_string()));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut index = serde_json::Map::new();
    index.insert("format".into(), 1.into());
    index.insert("generated_at".into(), hub.now().to_rfc3339().into());
    index.insert(
        "sections".into(),
        data.sections
            .iter()
            .map(|(n, _)| serde_json::Value::from(format!("{n}.json")))
            .collect::<Vec<_>>()
            .into(),
    );
    zip.start_file(format!("{ROOT}/index.json"), opts)
        .map_err(zip_err)?;
    zip.write_all(&serde_json::to_vec_pretty(&index).unwrap_or_default())?;
    for (name, value) in &data.sections {
        zip.start_file(format!("{ROOT}/{name}.json"), opts)
            .map_err(zip_err)?;
        zip.write_all(&serde_json::to_vec_pretty(value).unwrap_or_default())?;
    }
    for (sha, mime) in &data.photos {
        match std::fs::read(hub.blob_dir().join(sha)) {
            Ok(bytes) => {
                zip.start_file(format!("{ROOT}/photos/{sha}.{}", extension(mime)), opts)
                    .map_err(zip_err)?;
                zip.write_all(&bytes)?;
            }
            // A photo whose file is gone (deleted by retention in between) is left out, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Closes the viewer's account: the database steps in one transaction, then the photo files.
pub fn close_account(hub: &Hub, viewer: &Viewer) -> Result<AccountClosed, HubError> {
    let now = hub.now();
    let done = hub.store().close_account(viewer, now)?;
    let photos_deleted = delete_files(hub, &done.files_to_delete);
    hub.notify();
    Ok(AccountClosed {
        closed_at: now,
        reports_anonymised: done.reports_anonymised,
        photos_deleted,
        devices_revoked: done.devices_revoked,
    })
}

fn delete_files(hub: &Hub, shas: &[String]) -> i64 {
    let mut n = 0;
    for sha in shas {
        match std::fs::remove_file(hub.blob_dir().join(sha)) {
            Ok(()) => n += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // The row is gone already; a file left behind is logged so the operator can remove it.
            Err(e) => tracing::warn!(error = %e, sha, "deleting a photo file failed"),
        }
    }
    n
}

/// Deletes the photos of reports resolved more than the hub's retention period ago; returns how many
/// files went.
pub fn expire_photos(hub: &Hub) -> Result<i64, HubError> {
    let now = hub.now();
    let cutoff = now - Duration::days(hub.photo_retention_days());
    let freed = hub.store().expire_photos(cutoff, now)?;
    let n = delete_files(hub, &freed);
    if !freed.is_empty() {
        hub.notify();
    }
    Ok(n)
}

/// Runs [`expire_photos`] when it has not run for a day (by the hub's clock): at start and daily.
pub fn expire_photos_if_due(hub: &Hub) -> Result<(), HubError> {
    let now = hub.now();
    if hub.retention_due(now) {
        let n = expire_photos(hub)?;
        if n > 0 {
            tracing::info!(photos = n, "deleted photos of long-resolved reports");
        }
    }
    Ok(())
}
