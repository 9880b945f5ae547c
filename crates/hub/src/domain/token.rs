//! Device tokens: 256 random bits given to the device once; the hub keeps only their sha256.
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token as the device receives it (64 hex chars).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the hub stores and looks tokens up by.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
