//! Publishing and retracting notices, and their read counts.
use linli_proto::{limits, Attachment, ErrorCode};
use uuid::Uuid;

use crate::domain::{blob_kind, validate};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::{NewNotice, NoticeSummary};

pub fn publish(hub: &Hub, community: Uuid, notice: &NewNotice) -> Result<Uuid, HubError> {
    publish_with_attachments(hub, community, notice, &[])
}

/// A file to attach: its display name and content (JPEG, PNG, WebP or PDF, ≤ 10 MiB).
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Publishes a notice with files; residents download them from `/v1/blobs/{sha256}`.
pub fn publish_with_attachments(
    hub: &Hub,
    community: Uuid,
    notice: &NewNotice,
    files: &[AttachmentFile],
) -> Result<Uuid, HubError> {
    validate::title(&notice.title)?;
    validate::text(&notice.body)?;
    let mut attachments = Vec::with_capacity(files.len());
    for f in files {
        if f.bytes.len() > limits::BLOB_MAX_BYTES {
            return Err(ErrorCode::PayloadTooLarge.into());
        }
        validate::title(&f.name)?;
        let mime = blob_kind::sniff_attachment(&f.bytes)
            .ok_or(HubError::Refused(ErrorCode::BlobTypeUnsupported))?;
        if mime.starts_with("image/") {
            blob_kind::check_pixels(&f.bytes)?;
        }
        let sha256 = blob_kind::sha256_hex(&f.bytes);
        let path = hub.blob_dir().join(&sha256);
        if !path.exists() {
            let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
            std::fs::write(&tmp, &f.bytes)?;
            std::fs::rename(&tmp, &path)?;
        }
        attachments.push(Attachment {
            name: f.name.clone(),
            sha256,
            mime: mime.to_owned(),
            size: f.bytes.len() as i64,
        });
    }
    let id = hub
        .store()
        .publish_notice(community, notice, &attachments, hub.now())?;
    hub.notify();
    Ok(id)
}

/// Retracts a notice; devices get a tombstone. `notice_not_found` when unknown or already retracted.
pub fn retract(hub: &Hub, community: Uuid, id: Uuid) -> Result<(), HubError> {
    if !hub.store().retract_notice(community, id, hub.now())? {
        return Err(ErrorCode::NoticeNotFound.into());
    }
    hub.notify();
    Ok(())
}

pub fn list(hub: &Hub, community: Uuid) -> Result<Vec<NoticeSummary>, HubError> {
    Ok(hub.store().notices(community)?)
}
