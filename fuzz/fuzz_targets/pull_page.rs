//! Device side: a pull page as it comes from the hub (JSON bytes, untrusted) parsed and applied to a
//! replica (SQLite in memory, the device's migrations). Panics are findings; errors are fine (the device
//! reports a protocol error and keeps its replica).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut conn) = rusqlite::Connection::open_in_memory() else {
        return;
    };
    if linli_core::store::migrate(&mut conn).is_err() {
        return;
    }
    let _ = linli_core::sync::apply_page_bytes(&mut conn, data);
});
