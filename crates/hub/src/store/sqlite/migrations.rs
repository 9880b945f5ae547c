//! The hub database schema as numbered, append-only migrations. Never edit a landed entry: add one.
use rusqlite::Connection;

use crate::store::{StoreError, StoreResult};

/// Migration N (1-based) is `MIGRATIONS[N-1]`; `PRAGMA user_version` records how many ran.
pub const MIGRATIONS: &[&str] = &[
    // 1: community, address book, residents, devices, reports, notices, consultations, change log, ops.
    r#"
CREATE TABLE communities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    hours TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE buildings (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    sort INTEGER NOT NULL,
    UNIQUE (community_id, name)
);
CREATE TABLE households (
    id TEXT PRIMARY KEY,
    building_id TEXT NOT NULL REFERENCES buildings(id),
    unit TEXT NOT NULL,
    room TEXT NOT NULL,
    sort INTEGER NOT NULL,
    UNIQUE (building_id, unit, room)
);
CREATE TABLE categories (
    community_id TEXT NOT NULL REFERENCES communities(id),
    key TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    icon TEXT NOT NULL,
    sort INTEGER NOT NULL,
    PRIMARY KEY (community_id, key)
);
CREATE TABLE residents (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    created_at TEXT NOT NULL
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    resident_id TEXT NOT NULL REFERENCES residents(id),
    name TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    revoked_at TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT REFERENCES residents(id)
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES residents(id),
    created_at TEXT NOT NULL
);
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    resident_id TEXT NOT NULL REFERENCES residents(id),
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    addr_building TEXT,
    addr_unit TEXT,
    addr_room TEXT,
    addr_text TEXT,
    lat REAL,
    lon REAL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    resolved_at TEXT,
    rating TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX reports_household ON reports(household_id);
CREATE TABLE report_photos (
    report_id TEXT NOT NULL REFERENCES reports(id),
    idx INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    PRIMARY KEY (report_id, idx)
);
CREATE INDEX report_photos_sha ON report_photos(sha256);
CREATE TABLE report_events (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    ord INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT,
    status TEXT,
    text TEXT,
    satisfaction TEXT,
    at TEXT NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, ord);
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    urgency TEXT NOT NULL,
    pinned INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    expires_at TEXT,
    retracted_at TEXT
);
CREATE TABLE notice_buildings (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    building_id TEXT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (notice_id, building_id)
);
CREATE TABLE notice_reads (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    resident_id TEXT NOT NULL REFERENCES residents(id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (notice_id, resident_id)
);
CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    max_choices INTEGER NOT NULL,
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    vote_scope TEXT NOT NULL,
    results_visibility TEXT NOT NULL,
    closed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE consultation_buildings (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    building_id TEXT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (consultation_id, building_id)
);
CREATE TABLE consultation_options (
    id TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    ord INTEGER NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX consultation_options_c ON consultation_options(consultation_id, ord);
CREATE TABLE ballots (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    ballot_key TEXT NOT NULL,
    resident_id TEXT NOT NULL REFERENCES residents(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    option_ids TEXT NOT NULL,
    cast_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, ballot_key)
);
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    audience_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX changes_community_seq ON changes(community_id, seq);
CREATE TABLE ops (
    op_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id),
    device_seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    version INTEGER,
    received_at TEXT NOT NULL
);
"#,
    // 2: files staff attach to notices (content in the blob directory, like photos).
    r#"
CREATE TABLE notice_attachments (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (notice_id, idx)
);
CREATE INDEX notice_attachments_sha ON notice_attachments(sha256);
"#,
    // 3: the transparency log (see store/sqlite/tlog.rs): public leaves and tree hashes, the private
    // openings of each leaf's commitment, signed checkpoints; the ballot leaf a tally counts.
    r#"
CREATE TABLE tlog_leaves (
    idx INTEGER PRIMARY KEY,
    leaf BLOB NOT NULL
);
CREATE TABLE tlog_hashes (
    idx INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);
CREATE TABLE tlog_openings (
    idx INTEGER PRIMARY KEY REFERENCES tlog_leaves(idx),
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op_id TEXT,
    salt BLOB NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX tlog_openings_record ON tlog_openings(record_id);
CREATE INDEX tlog_openings_op ON tlog_openings(op_id);
CREATE TABLE tlog_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
ALTER TABLE ballots ADD COLUMN log_index INTEGER;
"#,
    // 4: authorized proxies (亲友代办): grants, one-time authorization codes, per-community limits, the acts
    // done through a grant; who acted on ops, ballots and report timelines.
    r#"
CREATE TABLE proxy_grants (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    principal_id TEXT NOT NULL REFERENCES residents(id),
    proxy_id TEXT NOT NULL,
    proxy_name TEXT,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT,
    expiry_logged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX proxy_grants_principal ON proxy_grants(principal_id);
CREATE INDEX proxy_grants_proxy ON proxy_grants(proxy_id);
CREATE TABLE proxy_codes (
    code_hash TEXT PRIMARY KEY,
    principal_id TEXT NOT NULL REFERENCES residents(id),
    scopes TEXT NOT NULL,
    days INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    grant_id TEXT REFERENCES proxy_grants(id)
);
CREATE TABLE proxy_limits (
    community_id TEXT PRIMARY KEY REFERENCES communities(id),
    max_proxies INTEGER NOT NULL,
    max_principals INTEGER NOT NULL
);
CREATE TABLE proxy_acts (
    op_id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES proxy_grants(id),
    principal_id TEXT NOT NULL,
    proxy_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    at TEXT NOT NULL
);
CREATE INDEX proxy_acts_principal ON proxy_acts(principal_id, at);
CREATE TABLE proxy_visitors (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT,
    home TEXT,
    created_at TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE proxy_visitor_ops (
    op_id TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES proxy_visitors(id),
    device_seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    version INTEGER,
    received_at TEXT NOT NULL,
    on_behalf_of TEXT
);
ALTER TABLE ops ADD COLUMN on_behalf_of TEXT;
ALTER TABLE ballots ADD COLUMN proxy_id TEXT;
ALTER TABLE report_events ADD COLUMN actor_id TEXT;
ALTER TABLE report_events ADD COLUMN on_behalf_of TEXT;
"#,
    // 5: residents' personal-information rights (see store/sqlite/privacy.rs): the privacy notice version
    // each device agreed to at join; staff identities scoped to a community; the access log of staff views
    // of personal details and of exports; when a report's photos were deleted (retention); which resident
    // wrote a timeline entry (a housemate may comment on another's report: export and closure need the author).
    r#"
ALTER TABLE devices ADD COLUMN privacy_version INTEGER;
ALTER TABLE devices ADD COLUMN privacy_agreed_at TEXT;
ALTER TABLE reports ADD COLUMN photos_deleted_at TEXT;
ALTER TABLE report_events ADD COLUMN author_id TEXT;
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    data_officer INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    staff_id TEXT REFERENCES staff(id),
    action TEXT NOT NULL,
    record_kind TEXT,
    record_id TEXT,
    resident_id TEXT
);
CREATE INDEX access_log_at ON access_log(at);
"#,
    // 6: every resident who uploaded a blob, not only the first: two households may upload the same bytes
    // (a photo forwarded between neighbours), and each may attach what it uploaded (see blobs.rs).
    r#"
CREATE TABLE blob_uploads (
    sha256 TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (sha256, resident_id)
);
INSERT OR IGNORE INTO blob_uploads (sha256, resident_id, at) SELECT sha256, uploaded_by, created_at FROM blobs;
"#,
    // 7: a consultation's final tally is found by (record, kind) without reading its ballots' leaves, which
    // share the record id; the new index serves lookups by record alone too.
    r#"
CREATE INDEX tlog_openings_record_kind ON tlog_openings(record_id, kind);
DROP INDEX tlog_openings_record;
"#,
    // 8: a hub holds a street (街道) of communities (see store/sqlite/street.rs). Each community gets its
    // own change feed: `changes.cseq` counts per community from the counter row in `feed_heads`, bumped in
    // the write transaction, so commit order is feed order inside a community. The community a hub held
    // before keeps its numbers (cseq = seq), so its devices' cursors stay valid. Street-level staff, and
    // street-wide notices (街道通知) marked with the street that sent them. Access-log lines name their
    // community, so a data officer reads only their own. `consultation_tallies` remembers which
    // consultations' live results moved since they last entered the feed (see consultations.rs).
    r#"
CREATE TABLE streets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
ALTER TABLE communities ADD COLUMN street_id TEXT REFERENCES streets(id);
ALTER TABLE changes ADD COLUMN cseq INTEGER;
UPDATE changes SET cseq = seq;
CREATE UNIQUE INDEX changes_community_cseq ON changes(community_id, cseq);
DROP INDEX changes_community_seq;
CREATE TABLE feed_heads (
    community_id TEXT PRIMARY KEY REFERENCES communities(id),
    head INTEGER NOT NULL
);
INSERT INTO feed_heads (community_id, head)
    SELECT c.id, COALESCE((SELECT MAX(cseq) FROM changes WHERE community_id = c.id), 0) FROM communities c;
CREATE TABLE street_staff (
    id TEXT PRIMARY KEY,
    street_id TEXT NOT NULL REFERENCES streets(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE notices ADD COLUMN street_id TEXT REFERENCES streets(id);
ALTER TABLE notices ADD COLUMN street_notice_id TEXT;
ALTER TABLE access_log ADD COLUMN community_id TEXT;
ALTER TABLE access_log ADD COLUMN street_staff_id TEXT;
UPDATE access_log SET community_id = (SELECT community_id FROM staff WHERE staff.id = access_log.staff_id)
    WHERE staff_id IS NOT NULL;
UPDATE access_log SET community_id = (SELECT b.community_id FROM residents r
        JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
        WHERE r.id = access_log.resident_id)
    WHERE community_id IS NULL AND resident_id IS NOT NULL;
UPDATE access_log SET community_id = (SELECT id FROM communities ORDER BY created_at LIMIT 1)
    WHERE community_id IS NULL;
CREATE INDEX access_log_community ON access_log(community_id, id);
CREATE TABLE consultation_tallies (
    consultation_id TEXT PRIMARY KEY REFERENCES consultations(id),
    moved_at TEXT NOT NULL
);
-- One transparency log per community: the tables keyed by (community, index). The leaves a hub had go to
-- the community it held, whose log keeps its origin (NULL `log_origin`: the key's name), so checkpoints
-- its devices pinned still verify. A new community's origin is the key name plus its id.
ALTER TABLE communities ADD COLUMN log_origin TEXT;
CREATE TABLE log_leaves (
    community_id TEXT NOT NULL REFERENCES communities(id),
    idx INTEGER NOT NULL,
    leaf BLOB NOT NULL,
    PRIMARY KEY (community_id, idx)
);
CREATE TABLE log_hashes (
    community_id TEXT NOT NULL REFERENCES communities(id),
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (community_id, idx)
);
CREATE TABLE log_openings (
    community_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op_id TEXT,
    salt BLOB NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (community_id, idx),
    FOREIGN KEY (community_id, idx) REFERENCES log_leaves(community_id, idx)
);
CREATE INDEX log_openings_record_kind ON log_openings(record_id, kind);
CREATE INDEX log_openings_op ON log_openings(op_id);
CREATE TABLE log_checkpoints (
    community_id TEXT NOT NULL REFERENCES communities(id),
    size INTEGER NOT NULL,
    note TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (community_id, size)
);
INSERT INTO log_leaves (community_id, idx, leaf)
    SELECT (SELECT id FROM communities ORDER BY created_at LIMIT 1), idx, leaf FROM tlog_leaves;
INSERT INTO log_hashes (community_id, idx, hash)
    SELECT (SELECT id FROM communities ORDER BY created_at LIMIT 1), idx, hash FROM tlog_hashes;
INSERT INTO log_openings (community_id, idx, kind, record_id, op_id, salt, record)
    SELECT (SELECT id FROM communities ORDER BY created_at LIMIT 1), idx, kind, record_id, op_id, salt, record
    FROM tlog_openings;
INSERT INTO log_checkpoints (community_id, size, note, signed_at)
    SELECT (SELECT id FROM communities ORDER BY created_at LIMIT 1), size, note, signed_at FROM tlog_checkpoints;
DROP TABLE tlog_openings;
DROP TABLE tlog_leaves;
DROP TABLE tlog_hashes;
DROP TABLE tlog_checkpoints;
"#,
    // 9: staff sign in to the console (see store/sqlite/staff_auth.rs). A password (argon2id PHC string) per
    // staff member, set first through a one-time link whose token is kept only as a sha256; wrong passwords
    // counted for the lockout; sessions kept by the sha256 of their cookie and of their CSRF token; and
    // which staff member made each status change.
    r#"
CREATE TABLE staff_credentials (
    staff_id TEXT PRIMARY KEY REFERENCES staff(id),
    password_hash TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);
CREATE TABLE staff_setup_links (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    expires_at TEXT NOT NULL
);
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    csrf_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);
-- The staff member who made a status change from the console (residents see only the role).
ALTER TABLE report_events ADD COLUMN staff_id TEXT REFERENCES staff(id);
"#,
    // 10: witnesses of each community's log (see store/sqlite/witnesses.rs): who they are (name, C2SP
    // cosignature/v1 key, the address of their add-checkpoint endpoint), how many of them a device must see
    // cosign (the quorum, pinned at join), and every cosignature collected, by checkpoint size.
    r#"
CREATE TABLE log_witnesses (
    community_id TEXT NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    vkey TEXT NOT NULL,
    url TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (community_id, name)
);
ALTER TABLE communities ADD COLUMN witness_quorum INTEGER;
CREATE TABLE log_cosignatures (
    community_id TEXT NOT NULL REFERENCES communities(id),
    size INTEGER NOT NULL,
    vkey TEXT NOT NULL,
    line TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (community_id, size, vkey)
);
"#,
    // 11: roles and scopes of staff, and dispatch (派单). A role per staff member (the accounts before
    // this one were the community's heads); the buildings of a grid worker's grid; each category's time
    // limit in working days, with the community's default; a report's assignee, promised date and when
    // the assignee signed for it; and internal notes, which no resident's device ever receives.
    r#"
ALTER TABLE staff ADD COLUMN role TEXT NOT NULL DEFAULT 'head';
CREATE TABLE staff_buildings (
    staff_id TEXT NOT NULL REFERENCES staff(id),
    building_id TEXT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (staff_id, building_id)
);
ALTER TABLE communities ADD COLUMN time_limit_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE categories ADD COLUMN time_limit_days INTEGER;
ALTER TABLE reports ADD COLUMN assignee_id TEXT REFERENCES staff(id);
ALTER TABLE reports ADD COLUMN deadline TEXT;
ALTER TABLE reports ADD COLUMN signed_at TEXT;
CREATE INDEX reports_assignee ON reports(assignee_id);
CREATE TABLE report_notes (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes(report_id, at);
"#,
    // 12: city systems over Open311 GeoReport v2 (see store/sqlite/open311.rs). API keys kept as the
    // sha256 of the key, each with its scope (read / write) and the source it marks reports with
    // (`12345`, `open311`); keys serve the whole street, `jurisdiction_id` naming the community. A report
    // that came in through Open311 has a row in `report_sources`: the key, its source, the caller's id
    // (unique per community and source, so a retried POST finds the first report), the hotline's
    // deadline and category. Such reports belong to the community's intake household (a placeholder,
    // sort -1, in a placeholder building, never an address). Access-log lines name the key that read.
    r#"
CREATE TABLE open311_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX open311_keys_live_name ON open311_keys(name) WHERE revoked_at IS NULL;
CREATE TABLE open311_intake (
    community_id TEXT PRIMARY KEY REFERENCES communities(id),
    building_id TEXT NOT NULL REFERENCES buildings(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    resident_id TEXT NOT NULL REFERENCES residents(id)
);
CREATE TABLE report_sources (
    report_id TEXT PRIMARY KEY REFERENCES reports(id),
    community_id TEXT NOT NULL REFERENCES communities(id),
    key_id TEXT NOT NULL REFERENCES open311_keys(id),
    source TEXT NOT NULL,
    external_id TEXT,
    hotline_deadline TEXT,
    hotline_category TEXT,
    received_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_sources_external ON report_sources(community_id, source, external_id)
    WHERE external_id IS NOT NULL;
ALTER TABLE access_log ADD COLUMN open311_key_id TEXT REFERENCES open311_keys(id);
CREATE INDEX reports_community_received ON reports(community_id, received_at);
"#,
    // 13: restores from a backup (see store/sqlite/restores.rs). The database's incarnation id, which a
    // restore replaces, so devices can tell they meet a restored hub; the signed statement of each
    // community's log restored (what it was restored to); and, per device, the one sequence gap a
    // restored hub accepts (the device's ops between the backup and its oldest kept op are gone).
    r#"
CREATE TABLE hub_incarnation (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    id TEXT NOT NULL
);
INSERT INTO hub_incarnation (slot, id) VALUES (1, lower(hex(randomblob(16))));
CREATE TABLE log_restores (
    community_id TEXT NOT NULL REFERENCES communities(id),
    incarnation TEXT NOT NULL,
    size INTEGER NOT NULL,
    statement TEXT NOT NULL,
    restored_at TEXT NOT NULL,
    PRIMARY KEY (community_id, incarnation)
);
ALTER TABLE devices ADD COLUMN resync_after_restore INTEGER NOT NULL DEFAULT 0;
"#,
    // 14: staff sign-in, continued (see store/sqlite/staff_auth.rs): an account an admin switched off
    // (`admin staff disable`), the TOTP second factor's secret (raw bytes; never logged) once confirmed,
    // the one awaiting confirmation, and the last step a code was accepted for, so no code works twice.
    r#"
ALTER TABLE staff_credentials ADD COLUMN disabled_at TEXT;
ALTER TABLE staff_credentials ADD COLUMN totp_secret BLOB;
ALTER TABLE staff_credentials ADD COLUMN totp_pending BLOB;
ALTER TABLE staff_credentials ADD COLUMN totp_last_step INTEGER;
"#,
    // 15–17: numbers once held for work on other branches; they ran empty on every hub and stay empty (the
    // work landed as 19 onward).
    "",
    "",
    "",
    // 18: the office's notice desk (see store/sqlite/notice_desk.rs). Who published a notice; a relative's
    // (proxy's) read of a resident's notice, which counts for the resident on the door-knock list without
    // marking the resident's own receipt; households the office looks after (关怀户, on the list first);
    // and the outcome of each call or visit made from the door-knock list (敲门名单).
    r#"
ALTER TABLE notices ADD COLUMN published_by TEXT REFERENCES staff(id);
CREATE TABLE notice_proxy_reads (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    resident_id TEXT NOT NULL REFERENCES residents(id),
    proxy_id TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (notice_id, resident_id)
);
CREATE TABLE household_care (
    household_id TEXT PRIMARY KEY REFERENCES households(id),
    staff_id TEXT REFERENCES staff(id),
    since TEXT NOT NULL
);
CREATE TABLE door_knocks (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    outcome TEXT NOT NULL,
    note TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX door_knocks_notice ON door_knocks(notice_id, household_id, at);
"#,
    // 19: case handling, continued (see store/sqlite/cases.rs). 超期督办: when an overdue report was
    // escalated to the community's heads (once per promised date; a new dispatch clears it), and the
    // reminders staff members find in their console (the assignee's, for an escalated report). Reply
    // templates per community, each tied to the status it is a reply for.
    r#"
ALTER TABLE reports ADD COLUMN escalated_at TEXT;
CREATE TABLE staff_reminders (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    report_id TEXT NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    deadline TEXT,
    at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX staff_reminders_staff ON staff_reminders(staff_id, at);
CREATE INDEX reports_due ON reports(deadline) WHERE escalated_at IS NULL;
CREATE TABLE reply_templates (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (community_id, status, title)
);
"#,
    // 20: voice messages (语音留言, see store/sqlite/voices.rs). A blob's playing time as the hub read it
    // from the file (NULL for photos and attachments), and which voice message a report or one of its
    // comments carries (`event_id` NULL for the report's own). Kept and deleted like report photos.
    r#"
ALTER TABLE blobs ADD COLUMN duration_ms INTEGER;
CREATE TABLE report_voices (
    report_id TEXT NOT NULL REFERENCES reports(id),
    event_id TEXT REFERENCES report_events(id),
    sha256 TEXT NOT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX report_voices_one ON report_voices(report_id, COALESCE(event_id, ''));
CREATE INDEX report_voices_sha ON report_voices(sha256);
"#,
];

/// Brings the database up to date, refusing one written by a newer hub.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let known = MIGRATIONS.len() as i64;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(StoreError::NewerSchema {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_on_a_fresh_database_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::NewerSchema { found: 999, .. })
        ));
    }
}
