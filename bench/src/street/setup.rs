//! The benchmark street: `communities` communities of `households` households each on one hub's data
//! directory, one joined device per household. Devices are joined through the store (the same rule the
//! join route runs) rather than over HTTP, so setting up 20,000 takes seconds, not the benchmark's time.
use anyhow::Context;
use chrono::Duration;
use linli_hub::admin;
use linli_hub::domain::token;
use linli_hub::store::{BuildingSeed, CommunitySeed, UnitSeed};
use linli_hub::Hub;
use linli_proto::Category;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

/// Buildings per community; households are spread over them, one unit each.
const BUILDINGS: usize = 4;

/// One joined device.
#[derive(Debug, Clone)]
pub struct Device {
    /// Index of its community (0-based), not the id: what the benchmark's phases address.
    pub community: usize,
    pub token: String,
}

fn seed(i: usize, households: usize) -> CommunitySeed {
    let per_building = households.div_ceil(BUILDINGS);
    let buildings = (0..BUILDINGS)
        .map(|b| BuildingSeed {
            name: format!("{}号楼", b + 1),
            units: vec![UnitSeed {
                name: "1单元".into(),
                rooms: (0..per_building)
                    .filter(|r| b * per_building + r < households)
                    .map(|r| format!("{}", 101 + r))
                    .collect(),
            }],
        })
        .filter(|b| !b.units[0].rooms.is_empty())
        .collect();
    CommunitySeed {
        name: format!("第{}社区", i + 1),
        phone: "010-00000000".into(),
        hours: "周一至周五 8:30–17:30".into(),
        buildings,
        categories: vec![Category {
            key: "facilities".into(),
            name_zh: "设施维修".into(),
            name_en: "Facilities".into(),
            icon: "wrench".into(),
            sort: 1,
        }],
    }
}

/// Creates the street in `dir` and returns every device, in community order, with the communities' ids.
pub fn create(
    dir: &Path,
    communities: usize,
    households: usize,
) -> anyhow::Result<(Vec<Uuid>, Vec<Device>)> {
    let hub = Hub::open(dir)?;
    let mut ids = Vec::with_capacity(communities);
    let mut devices = Vec::with_capacity(communities * households);
    for c in 0..communities {
        let s = seed(c, households);
        let id = admin::community::create(&hub, &s).with_context(|| format!("community {c}"))?;
        ids.push(id);
        for b in &s.buildings {
            for u in &b.units {
                for room in &u.rooms {
                    let code = admin::invites::invite(&hub, id, &b.name, &u.name, room, 7)?.code;
                    let token = token::generate();
                    let code = linli_hub::domain::invite_code::normalize(&code)
                        .context("an invitation code the hub made does not normalize")?;
                    hub.store().redeem_invite(
                        &code,
                        Some("bench"),
                        &token::hash(&token),
                        linli_proto::PRIVACY_NOTICE_VERSION,
                        hub.now() - Duration::seconds(1),
                    )?;
                    devices.push(Device {
                        community: c,
                        token,
                    });
                }
            }
        }
    }
    Ok((ids, devices))
}

/// Writes devices as `COMMUNITY<TAB>TOKEN` lines for the load workers (file mode 0600: they are secrets).
pub fn write_tokens(path: &Path, devices: &[Device]) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    for d in devices {
        writeln!(f, "{}\t{}", d.community, d.token)?;
    }
    Ok(())
}

pub fn read_tokens(path: &Path) -> anyhow::Result<Vec<Device>> {
    std::fs::read_to_string(path)?
        .lines()
        .map(|l| {
            let (c, t) = l.split_once('\t').context("a tokens line without a tab")?;
            Ok(Device {
                community: c.parse()?,
                token: t.to_owned(),
            })
        })
        .collect()
}
