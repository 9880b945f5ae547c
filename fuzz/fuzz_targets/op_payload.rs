//! Hub side: a push body as it arrives (JSON bytes) is parsed like the API does, each op validated, then
//! applied to a real hub (SQLite in a temp dir, the demo community, one joined device). Any panic, or a
//! store error other than a refusal with a code (which the API would answer as a 500), is a finding.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use linli_hub::store::{StoreError, Viewer};
use linli_hub::{admin, Hub};
use linli_proto::PushRequest;

struct World {
    hub: Hub,
    viewer: Viewer,
    _dir: std::path::PathBuf,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("linli-fuzz-op-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let hub = Hub::open(&dir).expect("hub");
        admin::demo::seed_demo(&hub).expect("demo");
        let code = admin::invites::invite(&hub, "1号楼", "1单元", "101", 7)
            .expect("invite")
            .code;
        let hash = linli_hub::domain::token::hash("fuzz-token");
        let code = linli_hub::domain::invite_code::normalize(&code).expect("code");
        hub.store()
            .redeem_invite(&code, Some("fuzz"), &hash, hub.now())
            .expect("join");
        let viewer = hub
            .store()
            .authenticate(&hash, hub.now())
            .expect("auth")
            .expect("viewer");
        World {
            hub,
            viewer,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(req) = serde_json::from_slice::<PushRequest>(data) else {
        return;
    };
    for op in &req.ops {
        let _ = linli_hub::domain::validate::op_body(&op.body);
    }
    if req.ops.len() > linli_proto::limits::PUSH_BATCH_MAX {
        return;
    }
    let w = world();
    match w.hub.store().push_ops(&w.viewer, req.ops, w.hub.now()) {
        Ok(_) | Err(StoreError::Refused(_)) => {}
        Err(e) => panic!("a push would answer 500: {e}"),
    }
});
