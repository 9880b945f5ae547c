//! `linli-hub admin staff …`: registering staff members with their role, and what the commands print
//! for the console: the one-time link that sets a password.
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::domain::staff_scope::StaffRole;
use linli_hub::Hub;
use uuid::Uuid;

use super::{hub_err, msg, refused, JsonFlag};

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Register a staff member; prints the id to pass as `--staff` (stdout) and a one-time link that
    /// sets their console password (stderr).
    Add {
        #[arg(long)]
        name: String,
        /// The office's data officer (个人信息保护负责人), who may read the access log.
        #[arg(long)]
        data_officer: bool,
        /// head (主任/书记), grid (网格员), unit (承办单位), data (数据专员) or street (街道).
        #[arg(long)]
        role: Option<String>,
        /// A grid worker's buildings, by name: `--buildings 1,2,3`.
        #[arg(long, value_delimiter = ',')]
        buildings: Vec<String>,
    },
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// A new one-time link that sets a staff member's console password (a forgotten one, say); the
    /// member's sessions end when it is used.
    Link { id: String },
    #[command(flatten)]
    Access(super::staff_access::StaffAccessCommand),
}

/// Registers a staff member (a head unless `role` says otherwise); prints the id on stdout and the
/// one-time console link on stderr.
pub fn add(
    hub: &Hub,
    community: Uuid,
    name: &str,
    data_officer: bool,
    role: Option<&str>,
    buildings: &[String],
) -> anyhow::Result<()> {
    let s = match role {
        None => admin::staff::add(hub, community, name, data_officer),
        Some(r) => {
            let role = StaffRole::parse(r).ok_or_else(|| refused("hub-bad-role", r))?;
            admin::staff::add_with_role(hub, community, name, role, buildings)
        }
    }
    .map_err(hub_err)?;
    println!("{}", s.id);
    print_setup_link(hub, s.id)
}

/// Prints the one-time link that sets a staff member's console password, on stderr so that scripts
/// reading the id from stdout are unaffected. It is shown once: the hub keeps only its hash.
pub fn print_setup_link(hub: &Hub, staff: Uuid) -> anyhow::Result<()> {
    let link = admin::staff_auth::issue_link(hub, staff).map_err(hub_err)?;
    eprintln!(
        "{}",
        msg(
            "hub-staff-link",
            &[
                ("path", format!("/console/#setup={link}").into()),
                ("staff", staff.to_string().into()),
            ]
        )
    );
    Ok(())
}
