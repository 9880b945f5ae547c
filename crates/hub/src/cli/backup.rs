//! `admin backup` and `admin restore`: the operator's side of [`linli_hub::backup`].
use std::path::PathBuf;

use clap::Args;
use linli_hub::backup::{self, BackupError, Problem};
use linli_hub::Hub;
use linli_i18n::Arg;

use super::{msg, Refusal};

#[derive(Args)]
pub struct BackupArgs {
    /// The directory to write the backup into (missing or empty).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A backup directory made by `admin backup` (or by `serve --backup-dir`).
    #[arg(long)]
    pub from: PathBuf,
}

pub fn run_backup(hub: &Hub, args: BackupArgs) -> anyhow::Result<()> {
    let m = backup::backup_hub(hub, &args.out).map_err(refusal)?;
    println!(
        "{}",
        msg(
            "hub-backup-done",
            &[
                ("dir", args.out.display().to_string().into()),
                ("files", (m.files.len() as i64).into()),
                ("schema", m.schema_version.into()),
            ]
        )
    );
    Ok(())
}

/// Restores into `data_dir`, which must be missing or empty; the hub is not opened before the copy
/// passed verification.
pub fn run_restore(data_dir: &std::path::Path, args: RestoreArgs) -> anyhow::Result<()> {
    let restored = backup::restore(&args.from, data_dir, chrono::Utc::now()).map_err(refusal)?;
    let v = &restored.verified;
    println!(
        "{}",
        msg(
            "hub-restore-done",
            &[
                ("dir", data_dir.display().to_string().into()),
                ("files", (v.files as i64).into()),
                ("photos", (v.photos as i64).into()),
                ("logs", (v.logs.len() as i64).into()),
            ]
        )
    );
    println!(
        "{}",
        msg(
            "hub-restore-announced",
            &[("incarnation", restored.incarnation.clone().into())]
        )
    );
    Ok(())
}

fn refusal(e: BackupError) -> anyhow::Error {
    let text = match e {
        BackupError::NotEmpty(dir) => msg(
            "hub-backup-not-empty",
            &[("dir", dir.display().to_string().into())],
        ),
        BackupError::NoManifest { path, reason } => msg(
            "hub-restore-no-manifest",
            &[
                ("dir", path.display().to_string().into()),
                ("reason", reason.into()),
            ],
        ),
        BackupError::Refused(problems) => {
            let mut lines = vec![msg("hub-restore-refused", &[])];
            lines.extend(problems.iter().map(problem));
            lines.join("\n")
        }
        other => return anyhow::Error::new(other),
    };
    Refusal(text).into()
}

fn problem(p: &Problem) -> String {
    let s = |v: &str| -> Arg { v.to_owned().into() };
    match p {
        Problem::FileMissing { path } => msg("hub-restore-file-missing", &[("path", s(path))]),
        Problem::FileChanged { path } => msg("hub-restore-file-changed", &[("path", s(path))]),
        Problem::Integrity { detail } => msg("hub-restore-integrity", &[("detail", s(detail))]),
        Problem::SchemaNewer { found, known } => msg(
            "hub-restore-schema-newer",
            &[("found", (*found).into()), ("known", (*known).into())],
        ),
        Problem::PhotoDamaged { sha256 } => msg("hub-restore-photo-damaged", &[("sha", s(sha256))]),
        Problem::PhotoMissing { sha256 } => msg("hub-restore-photo-missing", &[("sha", s(sha256))]),
        Problem::LogMismatch { community, size } => msg(
            "hub-restore-log-mismatch",
            &[("community", s(community)), ("size", (*size as i64).into())],
        ),
        Problem::LogUnreadable { community, detail } => msg(
            "hub-restore-log-unreadable",
            &[("community", s(community)), ("detail", s(detail))],
        ),
        Problem::KeyUnreadable { detail } => {
            msg("hub-restore-key-unreadable", &[("detail", s(detail))])
        }
    }
}
