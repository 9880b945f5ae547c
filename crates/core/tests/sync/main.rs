//! Integration tests of the resident core: photos, the OS keychain, and sync against a real hub on a random
//! port with real SQLite files in temp dirs (no HTTP mocks; a fault-injecting TCP proxy stands in for a bad
//! network). Run inside a Secret Service session, see crates/core/README.md.
mod acting_for;
mod attachments;
mod backlog;
mod full_disk;
mod histories;
mod household;
mod keep_alive;
mod keychain;
mod lost_response;
mod offline;
mod photos;
mod privacy;
mod proxy;
mod rejected;
mod report_progress;
mod screens;
mod sync_loop;
mod transparency;
mod upgrade;
mod world;
