//! Integration tests of the resident core: photos, the OS keychain, and sync against a real hub on a random
//! port with real SQLite files in temp dirs (no HTTP mocks). Run inside a Secret Service session, see
//! crates/core/README.md.
mod keychain;
mod photos;
