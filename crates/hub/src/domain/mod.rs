//! Rules of the hub that don't depend on storage: invitation codes, tokens, field limits, report
//! lifecycle, ballots and blob types. Every storage backend calls these, so the rules live once.
pub mod blob_kind;
pub mod invite_code;
pub mod proxy_rules;
pub mod report_rules;
pub mod staff_scope;
pub mod token;
pub mod totp;
pub mod validate;
pub mod votes;
pub mod working_days;
