//! `linli-hub admin proxy …`: relatives (亲友代办) recorded by the office after checking both people in
//! person: grants with their scopes and expiry, revoking, the limits, and what a proxy did for a resident.
//! The rules are in `linli_hub::admin::proxy`.
use clap::Subcommand;
use linli_hub::admin;
use linli_hub::Hub;
use linli_i18n::message;
use linli_proto::ProxyScope;
use uuid::Uuid;

use super::admin::{acting_community, acting_staff};
use super::{hub_err, lang, msg, parse_id, print_json, refused, JsonFlag};

/// Residents are named by resident id or device id (see `admin devices list --json`), or by
/// `楼栋/单元/户` (e.g. `1号楼/1单元/101`) when one resident joined for that household.
#[derive(Subcommand)]
pub enum ProxyCommand {
    /// Let PROXY act for PRINCIPAL, after checking both in person; prints the grant id last.
    Grant {
        /// The resident acted for.
        #[arg(long)]
        principal: String,
        /// The relative who acts.
        #[arg(long)]
        proxy: String,
        /// Comma-separated: read_notices, report, vote.
        #[arg(long)]
        scopes: String,
        /// How long it lasts (default 365, at most 1096).
        #[arg(long)]
        days: Option<i64>,
        /// How the proxy is named to the principal and on report timelines.
        #[arg(long)]
        proxy_name: Option<String>,
    },
    /// Every grant with its status.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Take a grant back at once.
    Revoke { id: String },
    /// Show or set how many proxies a resident may have and for how many residents one may act.
    Limits {
        #[arg(long)]
        max_proxies: Option<i64>,
        #[arg(long)]
        max_principals: Option<i64>,
    },
    /// What proxies did for a resident (代办记录), oldest first.
    Activity {
        principal: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

fn grant_line(g: &linli_proto::ProxyGrant) -> String {
    format!(
        "{}\t{}\t{} -> {}\t{}\t{}\t{}",
        g.id,
        g.status.as_str(),
        g.proxy_name.as_deref().unwrap_or("-"),
        g.principal_address.as_deref().unwrap_or("-"),
        g.scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
        g.expires_at.format("%Y-%m-%d"),
        g.principal,
    )
}

pub fn run(
    hub: &Hub,
    staff: Option<&str>,
    community: Option<&str>,
    command: ProxyCommand,
) -> anyhow::Result<()> {
    let cid = || acting_community(hub, community);
    run_proxy_in(hub, staff, cid, command)
}

fn run_proxy_in(
    hub: &Hub,
    staff: Option<&str>,
    cid: impl Fn() -> anyhow::Result<Uuid>,
    command: ProxyCommand,
) -> anyhow::Result<()> {
    match command {
        ProxyCommand::Grant {
            principal,
            proxy,
            scopes,
            days,
            proxy_name,
        } => {
            let scopes = ProxyScope::parse_list(&scopes)
                .ok_or_else(|| refused("hub-bad-scopes", &scopes))?;
            let g = admin::proxy::grant(hub, cid()?, &principal, &proxy, &scopes, days, proxy_name)
                .map_err(hub_err)?;
            println!(
                "{}",
                msg(
                    "hub-proxy-granted",
                    &[
                        (
                            "address",
                            g.principal_address.clone().unwrap_or_default().into()
                        ),
                        (
                            "expires",
                            g.expires_at.format("%Y-%m-%d").to_string().into()
                        )
                    ]
                )
            );
            println!("{}", g.id);
        }
        ProxyCommand::List { out } => {
            let list = admin::proxy::list(hub, &acting_staff(hub, staff)?).map_err(hub_err)?;
            if out.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("{}", message(lang(), "hub-list-empty"));
            } else {
                for g in &list {
                    println!("{}", grant_line(g));
                }
            }
        }
        ProxyCommand::Revoke { id } => {
            let g = admin::proxy::revoke(hub, cid()?, parse_id(&id)?).map_err(hub_err)?;
            println!(
                "{}",
                msg("hub-proxy-revoked", &[("id", g.id.to_string().into())])
            );
        }
        ProxyCommand::Limits {
            max_proxies,
            max_principals,
        } => {
            let community = cid()?;
            let mut l = admin::proxy::limits(hub, community).map_err(hub_err)?;
            if max_proxies.is_some() || max_principals.is_some() {
                l.max_proxies = max_proxies.unwrap_or(l.max_proxies);
                l.max_principals = max_principals.unwrap_or(l.max_principals);
                admin::proxy::set_limits(hub, community, l).map_err(hub_err)?;
            }
            println!(
                "{}",
                msg(
                    "hub-proxy-limits",
                    &[
                        ("proxies", l.max_proxies.into()),
                        ("principals", l.max_principals.into())
                    ]
                )
            );
        }
        ProxyCommand::Activity { principal, out } => {
            let acts = admin::proxy::activity(hub, &acting_staff(hub, staff)?, &principal)
                .map_err(hub_err)?;
            if out.json {
                print_json(&acts)?;
            } else if acts.is_empty() {
                println!("{}", message(lang(), "hub-list-empty"));
            } else {
                for a in &acts {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        a.at.format("%Y-%m-%d %H:%M"),
                        a.kind,
                        a.proxy_name.as_deref().unwrap_or("-"),
                        a.proxy,
                        a.target.map(|t| t.to_string()).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}
