//! Field limits, checked by the device before queueing and by the hub on every op.
//! Counted in Unicode scalar values (chars), not bytes, so Chinese text gets the same room as English.

pub const TITLE_MAX: usize = 100;
pub const TEXT_MAX: usize = 2000;
pub const COMMENT_MAX: usize = 500;
pub const ADDRESS_PART_MAX: usize = 50;
pub const ADDRESS_TEXT_MAX: usize = 200;
pub const PHOTOS_MAX: usize = 9;
/// Largest blob the hub accepts.
pub const BLOB_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels (width × height) in a photo the hub accepts. Devices send photos downscaled to 1600 px on the
/// long side; this leaves room for staff attachments and still refuses a small file that decodes to gigabytes.
pub const PHOTO_PIXELS_MAX: u64 = 25_000_000;
/// Largest push batch, in ops.
pub const PUSH_BATCH_MAX: usize = 500;
/// Most leaves one `POST /v1/log/inclusions` asks proofs for.
pub const INCLUSIONS_MAX: usize = 1000;
/// Largest pull page, in changes.
pub const PULL_PAGE_MAX: u32 = 1000;
/// Days after resolution during which an unsatisfied resident may reopen.
pub const REOPEN_DAYS: i64 = 7;

/// The shortest staff password the console accepts (OWASP ASVS 2.1.1 asks for at least 12).
pub const STAFF_PASSWORD_MIN: usize = 12;

// -- voice messages (语音留言)
/// The longest voice message a resident records, in milliseconds.
pub const VOICE_MS_MAX: u32 = 60_000;
/// What the hub allows over [`VOICE_MS_MAX`], for an encoder's last frame and rounding.
pub const VOICE_MS_TOLERANCE: u32 = 500;
/// Largest voice blob the hub keeps: a minute at 64 kbit/s with room for the container. Devices send
/// 16 kHz mono at 12 kbit/s, under 100 kB a minute.
pub const VOICE_MAX_BYTES: usize = 512 * 1024;
