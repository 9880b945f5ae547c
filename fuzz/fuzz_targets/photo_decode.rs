//! Photo bytes from anywhere (a picked file, a download from the hub): the hub's header check and the
//! device's decode/downscale/re-encode. Panics, and allocations past the pixel limit (libFuzzer's
//! -rss_limit_mb catches those), are findings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = linli_hub::domain::blob_kind::dimensions(data);
    // The hub's limit keeps a run's memory bounded; the device's own limit only differs in size.
    let _ = linli_core::photos::process_bytes(data, 4_000_000);
});
