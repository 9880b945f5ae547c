//! What the staff commands print for the console: the one-time link that sets a password.
use linli_hub::admin;
use linli_hub::Hub;
use uuid::Uuid;

use super::{hub_err, msg};

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
