//! The resident side of Linli: local replica, outbox, sync engine, photos, keychain and messages.
