//! The token store is the real OS keychain (Secret Service here): a round trip, and forgetting.
use linli_core::keychain;

#[test]
fn token_round_trip_through_the_os_keychain() {
    let user = format!("test-{:032x}", rand_u128());
    keychain::check_reachable(&user).expect(
        "no OS keychain reachable: run tests inside dbus-run-session with an unlocked gnome-keyring-daemon (see crates/core/README.md)",
    );
    assert_eq!(keychain::load(&user).unwrap(), None);
    keychain::store(&user, "secret-token").unwrap();
    assert_eq!(
        keychain::load(&user).unwrap().as_deref(),
        Some("secret-token")
    );
    keychain::forget(&user).unwrap();
    assert_eq!(keychain::load(&user).unwrap(), None);
}

fn rand_u128() -> u128 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        ^ (std::process::id() as u128) << 64
}
