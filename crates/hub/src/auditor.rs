//! The auditor (`linli-hub verify`): given only a hub's URL and its public log key, download every
//! leaf, recompute the tree, check the hub's latest checkpoint and every checkpoint the auditor
//! collected (from devices, from earlier audits), then check each closed consultation's opened
//! final tally against the vote leaves it can see.
//!
//! What a public auditor can recount, and what not: vote leaves are salted commitments, so without
//! their openings nobody outside the hub can tell which option a vote leaf chose. For each tally the
//! auditor checks that the ballots it counted are distinct vote leaves present in the log before the
//! tally, cited by no other tally, that their number is the tally's ballot count, and that the
//! per-option counts are possible for that many ballots. The auditor the office appoints also gets the
//! vote openings (`linli-hub admin log openings`, never served over the API): each must open its leaf,
//! and then every tally is recounted option by option from the latest opened vote of each ballot, and
//! a ballot left out or counted though replaced is found.
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use linli_proto::{LogLeaves, LogReceipt, LOG_LEAVES_PAGE_MAX};
use linli_tlog::{
    verify_opening, AuditError, Checkpoint, Leaf, LeafKind, NoteVerifier, Record, Salt,
};
use serde::Serialize;

/// Why the audit could not run or failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditorError {
    #[error("the key is not a valid log key: {0}")]
    BadKey(String),
    #[error("the hub cannot be read: {0}")]
    Http(String),
    #[error("the hub's latest checkpoint is not signed by this key: {0}")]
    BadCheckpoint(String),
    #[error("the log does not match its checkpoints: {0}")]
    Log(#[from] AuditError),
    #[error("the hub served {got} leaves, its checkpoint says {want}")]
    ShortLog { got: u64, want: u64 },
    #[error("{} problem(s) with the tallies: {}", .0.len(), .0.join("; "))]
    Tallies(Vec<String>),
    /// Two checkpoints of one size, both signed by the log's key, with different roots: the hub
    /// showed two histories. Either note proves it to anyone holding both.
    #[error(
        "the log forked: two checkpoints of size {size} signed by its key with different roots"
    )]
    Fork { size: u64 },
    /// A restore statement signed by the log's key names a checkpoint the log does not have.
    #[error(
        "the restore statement of {at} names a log of size {size} the hub's leaves do not give"
    )]
    BadRestore { at: String, size: u64 },
    #[error("the hub's latest checkpoint has {have} of the {need} witness cosignatures required")]
    Unwitnessed { have: usize, need: usize },
    #[error("the witnesses' cosignatures on the latest checkpoint: {0}")]
    Witnesses(String),
}

/// What one tally check established.
#[derive(Debug, Clone, Serialize)]
pub struct TallyCheck {
    pub consultation: String,
    pub leaf: u64,
    pub ballots: u64,
    pub votes_per_option: Vec<u64>,
    /// Recounted option by option from opened votes (only with the vote openings).
    pub recounted: bool,
}

/// What a passed audit established.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// The log's origin (the key's name, and the community's id on a street hub).
    pub origin: String,
    /// Leaves downloaded and recomputed.
    pub size: u64,
    /// The hub's latest checkpoint, as served (with the witnesses' cosignatures it collected).
    pub latest_note: String,
    /// The witnesses whose cosignature on it verified (with [`audit_witnessed`] only).
    pub cosigned_by: Vec<String>,
    /// Sizes of every checkpoint that matched the recomputed tree (the hub's latest included).
    pub checkpoints: Vec<u64>,
    /// Leaves per kind.
    pub leaves_by_kind: BTreeMap<String, u64>,
    pub tallies: Vec<TallyCheck>,
    /// Vote leaves no tally counts: votes of consultations still open, or replaced by a later vote.
    pub uncounted_vote_leaves: u64,
    /// Restores from backups the hub announced with a statement signed by the log key.
    pub restores: Vec<RestoreSeen>,
    /// Sizes of collected checkpoints from before the latest announced restore that the restored log
    /// no longer extends (the entries beyond the restored size, as seen then, are gone).
    pub superseded_by_restore: Vec<u64>,
}

/// One announced restore: when, and to which size the log went back.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreSeen {
    pub incarnation: String,
    pub at: String,
    pub size: u64,
}

fn http_err(e: reqwest::Error) -> AuditorError {
    AuditorError::Http(e.to_string())
}

async fn get(http: &reqwest::Client, url: String) -> Result<reqwest::Response, AuditorError> {
    http.get(url)
        .send()
        .await
        .map_err(http_err)?
        .error_for_status()
        .map_err(http_err)
}

fn kind_name(kind: LeafKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Audits the log of the hub at `hub_url` (of its only community) under the log key `vkey`; see
/// [`audit_community`].
pub async fn audit_hub(
    hub_url: &str,
    vkey: &str,
    checkpoints: &[String],
    openings: &[LogReceipt],
) -> Result<AuditReport, AuditorError> {
    audit_community(hub_url, None, vkey, checkpoints, openings).await
}

/// [`audit_community`], and the hub's latest checkpoint must carry the cosignatures of `policy`'s
/// quorum of witnesses (the keys the auditor got from the witnesses or the community's notice, not
/// from the hub).
pub async fn audit_witnessed(
    hub_url: &str,
    community: Option<uuid::Uuid>,
    vkey: &str,
    checkpoints: &[String],
    openings: &[LogReceipt],
    policy: &linli_tlog::WitnessPolicy,
) -> Result<AuditReport, AuditorError> {
    let mut report = audit_community(hub_url, community, vkey, checkpoints, openings).await?;
    let found = policy.check(&report.latest_note).map_err(|e| match e {
        linli_tlog::PolicyError::TooFew { have, need } => AuditorError::Unwitnessed { have, need },
        other => AuditorError::Witnesses(other.to_string()),
    })?;
    report.cosigned_by = found.into_iter().map(|c| c.name).collect();
    Ok(report)
}

/// Audits one community's log (`None`: the hub's only community) under the log key `vkey`, also
/// checking `checkpoints` (signed notes) and, when the office handed them over, recounting the tallies
/// from the vote `openings`.
pub async fn audit_community(
    hub_url: &str,
    community: Option<uuid::Uuid>,
    vkey: &str,
    checkpoints: &[String],
    openings: &[LogReceipt],
) -> Result<AuditReport, AuditorError> {
    let scope = community.map(|c| format!("community={c}"));
    let q = |first: char| {
        scope
            .as_ref()
            .map(|s| format!("{first}{s}"))
            .unwrap_or_default()
    };
    let key =
        NoteVerifier::from_vkey(vkey.trim()).map_err(|e| AuditorError::BadKey(e.to_string()))?;
    let base = hub_url.trim_end_matches('/');
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(http_err)?;
    let latest = get(&http, format!("{base}/v1/log/checkpoint{}", q('?')))
        .await?
        .text()
        .await
        .map_err(http_err)?;
    // The key given may have been rotated since: follow the statements signed by it, and check each
    // checkpoint against whichever key of that chain signed it.
    let statements: Vec<String> = match get(&http, format!("{base}/v1/log/key-rotations")).await {
        Ok(resp) => resp.json().await.map_err(http_err)?,
        Err(_) => Vec::new(),
    };
    let keys = linli_tlog::rotation_chain(&key, &statements);
    let head = keys
        .iter()
        .rev()
        .find_map(|k| Checkpoint::open(&latest, k).ok())
        .map_or_else(
            || {
                Checkpoint::open(&latest, &key)
                    .map_err(|e| AuditorError::BadCheckpoint(e.to_string()))
            },
            Ok,
        )?;
    // Download every leaf the hub's own checkpoint covers (and any more it serves).
    let mut leaves: Vec<Leaf> = Vec::new();
    loop {
        let start = leaves.len() as u64;
        let page: LogLeaves = get(
            &http,
            format!(
                "{base}/v1/log/leaves?start={start}&end={}{}",
                start + LOG_LEAVES_PAGE_MAX,
                q('&')
            ),
        )
        .await?
        .json()
        .await
        .map_err(http_err)?;
        if page.leaves.is_empty() {
            break;
        }
        for l in page.leaves {
            let v = serde_json::to_value(l).map_err(|e| AuditorError::Http(e.to_string()))?;
            let leaf: Leaf = serde_json::from_value(v)
                .map_err(|e| AuditorError::Http(format!("leaf {}: {e}", leaves.len())))?;
            leaves.push(leaf);
        }
    }
    if (leaves.len() as u64) < head.size {
        return Err(AuditorError::ShortLog {
            got: leaves.len() as u64,
            want: head.size,
        });
    }
    let restores: Vec<String> = match get(&http, format!("{base}/v1/log/restores{}", q('?'))).await
    {
        Ok(resp) => resp.json().await.map_err(http_err)?,
        Err(_) => Vec::new(),
    };
    let restores = announced_restores(&keys, &restores, &head.origin, &leaves)?;
    let (kept, superseded_by_restore) =
        set_aside_before_restore(&keys, &restores, &leaves, checkpoints);
    let mut notes: Vec<&str> = vec![latest.as_str()];
    notes.extend(kept);
    for (i, a) in notes.iter().enumerate() {
        if let Some(fork) = notes[i + 1..]
            .iter()
            .find_map(|b| keys.iter().find_map(|k| linli_tlog::fork_evidence(k, a, b)))
        {
            return Err(AuditorError::Fork { size: fork.size });
        }
    }
    let bytes: Vec<[u8; linli_tlog::leaf::LEAF_LEN]> = leaves.iter().map(Leaf::to_bytes).collect();
    // The key signed the origin line: the key's name, or the key's name and the community on a street hub.
    let audited = linli_tlog::audit_with_keys(&keys, &head.origin, &bytes, &notes)?;

    let tallies: Vec<LogReceipt> = get(&http, format!("{base}/v1/log/tallies{}", q('?')))
        .await?
        .json()
        .await
        .map_err(http_err)?;
    let (mut checks, cited, mut problems) = check_tallies(&leaves, &tallies);
    if !openings.is_empty() {
        problems.extend(recount(&leaves, &tallies, openings));
        for c in &mut checks {
            c.recounted = true;
        }
    }
    if !problems.is_empty() {
        return Err(AuditorError::Tallies(problems));
    }
    let votes = leaves
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.kind, LeafKind::VoteCast | LeafKind::VoteReplaced))
        .count() as u64;
    Ok(AuditReport {
        origin: head.origin.clone(),
        size: leaves.len() as u64,
        latest_note: latest.clone(),
        cosigned_by: Vec::new(),
        checkpoints: audited.checkpoints.iter().map(|c| c.size).collect(),
        leaves_by_kind: audited
            .counts
            .iter()
            .map(|(k, n)| (kind_name(*k), *n))
            .collect(),
        tallies: checks,
        uncounted_vote_leaves: votes - cited as u64,
        restores,
        superseded_by_restore,
    })
}

/// The restore statements signed by a key of the chain for this log, each checked against the leaves:
/// the checkpoint a statement names must be the tree of the log's first leaves.
fn announced_restores(
    keys: &[NoteVerifier],
    statements: &[String],
    origin: &str,
    leaves: &[Leaf],
) -> Result<Vec<RestoreSeen>, AuditorError> {
    let mut out = Vec::new();
    for s in statements {
        let Some(r) = keys.iter().find_map(|k| linli_tlog::open_restore(k, s)) else {
            continue;
        };
        if r.checkpoint.origin != origin {
            continue;
        }
        if prefix_root(leaves, r.checkpoint.size) != Some(r.checkpoint.root) {
            return Err(AuditorError::BadRestore {
                at: r.at,
                size: r.checkpoint.size,
            });
        }
        out.push(RestoreSeen {
            incarnation: r.incarnation,
            at: r.at,
            size: r.checkpoint.size,
        });
    }
    Ok(out)
}

/// The root of the tree of the first `size` leaves, when the log has that many.
fn prefix_root(leaves: &[Leaf], size: u64) -> Option<linli_tlog::Hash> {
    let n = usize::try_from(size).ok().filter(|n| *n <= leaves.len())?;
    let bytes: Vec<_> = leaves[..n].iter().map(Leaf::to_bytes).collect();
    linli_tlog::MemoryLog::from_leaves(bytes.iter())
        .ok()?
        .root()
        .ok()
}

/// Collected checkpoints larger than the latest announced restore's size that the log as it is no
/// longer extends are set aside (their sizes returned): a device saw them before the restore. Every
/// other checkpoint must match the log as usual, so the shared prefix is still checked.
fn set_aside_before_restore<'a>(
    keys: &[NoteVerifier],
    restores: &[RestoreSeen],
    leaves: &[Leaf],
    collected: &'a [String],
) -> (Vec<&'a str>, Vec<u64>) {
    let Some(floor) = restores.last().map(|r| r.size) else {
        return (collected.iter().map(String::as_str).collect(), Vec::new());
    };
    let mut kept = Vec::new();
    let mut set_aside = Vec::new();
    for note in collected {
        let opened = keys.iter().find_map(|k| Checkpoint::open(note, k).ok());
        match opened {
            Some(c) if c.size > floor && prefix_root(leaves, c.size) != Some(c.root) => {
                set_aside.push(c.size)
            }
            _ => kept.push(note.as_str()),
        }
    }
    (kept, set_aside)
}

/// Checks every opened tally against the leaves; returns the checks, how many vote leaves tallies
/// cite, and the problems found.
fn check_tallies(leaves: &[Leaf], tallies: &[LogReceipt]) -> (Vec<TallyCheck>, usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut checks = Vec::new();
    let mut cited_by: HashMap<u64, String> = HashMap::new();
    let mut seen_consultations: HashMap<String, u64> = HashMap::new();
    for t in tallies {
        let at = t.index;
        let Some(leaf) = usize::try_from(at).ok().and_then(|i| leaves.get(i)) else {
            problems.push(format!("tally leaf {at} is not in the log"));
            continue;
        };
        let opened = Salt::from_hex(&t.salt)
            .map(|salt| verify_opening(&leaf.commitment, t.record.as_bytes(), &salt))
            .unwrap_or(false);
        if leaf.kind != LeafKind::TallyFinal || !opened || leaf.time_ms != t.time_ms {
            problems.push(format!("leaf {at} is not the tally the hub says it is"));
            continue;
        }
        let Some(Record::Tally {
            consultation,
            options,
            ballots,
            ballot_leaves,
            ..
        }) = Record::parse(t.record.as_bytes())
        else {
            problems.push(format!(
                "tally leaf {at} opens to something that is not a tally"
            ));
            continue;
        };
        if let Some(other) = seen_consultations.insert(consultation.clone(), at) {
            problems.push(format!(
                "consultation {consultation} has two final tallies (leaves {other} and {at})"
            ));
        }
        if ballot_leaves.len() as u64 != ballots {
            problems.push(format!(
                "tally leaf {at} counts {ballots} ballots but cites {} ballot leaves",
                ballot_leaves.len()
            ));
        }
        for &b in &ballot_leaves {
            let is_vote = usize::try_from(b)
                .ok()
                .and_then(|i| leaves.get(i))
                .is_some_and(|l| matches!(l.kind, LeafKind::VoteCast | LeafKind::VoteReplaced));
            if b >= at || !is_vote {
                problems.push(format!(
                    "tally leaf {at} counts leaf {b}, which is not a vote logged before it"
                ));
            }
            if let Some(prev) = cited_by.insert(b, consultation.clone()) {
                problems.push(format!(
                    "vote leaf {b} is counted twice (consultations {prev} and {consultation})"
                ));
            }
        }
        let total: u64 = options.iter().map(|o| o.votes).sum();
        if total < ballots || total > ballots * options.len() as u64 {
            problems.push(format!(
                "tally leaf {at}: {total} votes cannot come from {ballots} ballots"
            ));
        }
        checks.push(TallyCheck {
            consultation,
            leaf: at,
            ballots,
            votes_per_option: options.iter().map(|o| o.votes).collect(),
            recounted: false,
        });
    }
    (checks, cited_by.len(), problems)
}

/// An opened vote: consultation, ballot tag, options.
struct OpenedVote {
    consultation: String,
    ballot: String,
    options: Vec<String>,
}

/// Recounts every tally from the vote openings: each opening must open its leaf; a tally must count
/// exactly the latest vote (before it) of every ballot of its consultation, and its per-option
/// numbers must be what those votes say.
fn recount(leaves: &[Leaf], tallies: &[LogReceipt], openings: &[LogReceipt]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut votes: BTreeMap<u64, OpenedVote> = BTreeMap::new();
    for o in openings {
        let leaf = usize::try_from(o.index).ok().and_then(|i| leaves.get(i));
        let opened = leaf.is_some_and(|l| {
            l.time_ms == o.time_ms
                && Salt::from_hex(&o.salt)
                    .is_ok_and(|s| verify_opening(&l.commitment, o.record.as_bytes(), &s))
        });
        let record = Record::parse(o.record.as_bytes());
        let fits = matches!((&record, leaf), (Some(r), Some(l)) if r.fits(l.kind));
        match record {
            Some(Record::Vote {
                consultation,
                ballot,
                options,
                ..
            }) if opened && fits => {
                votes.insert(
                    o.index,
                    OpenedVote {
                        consultation,
                        ballot,
                        options,
                    },
                );
            }
            _ => problems.push(format!(
                "the opening given for leaf {} does not open it as a vote",
                o.index
            )),
        }
    }
    for t in tallies {
        let Some(Record::Tally {
            consultation,
            options,
            ballot_leaves,
            ..
        }) = Record::parse(t.record.as_bytes())
        else {
            continue; // already reported by check_tallies
        };
        // The latest opened vote of each ballot of this consultation, logged before the tally.
        let mut latest: BTreeMap<&str, u64> = BTreeMap::new();
        for (i, v) in votes.range(..t.index) {
            if v.consultation == consultation {
                latest.insert(v.ballot.as_str(), *i);
            }
        }
        let expected: std::collections::BTreeSet<u64> = latest.values().copied().collect();
        let cited: std::collections::BTreeSet<u64> = ballot_leaves.iter().copied().collect();
        for left_out in expected.difference(&cited) {
            problems.push(format!(
                "tally leaf {}: the ballot whose latest vote is leaf {left_out} was not counted",
                t.index
            ));
        }
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for b in &ballot_leaves {
            match votes.get(b) {
                Some(v) if expected.contains(b) => {
                    for o in &v.options {
                        *counts.entry(o.as_str()).or_insert(0) += 1;
                    }
                }
                Some(_) => problems.push(format!(
                    "tally leaf {}: leaf {b} is counted but is not its ballot's latest vote in this consultation",
                    t.index
                )),
                None => problems.push(format!(
                    "tally leaf {}: no opening was given for the counted leaf {b}",
                    t.index
                )),
            }
        }
        for o in &options {
            let recounted = counts.remove(o.option.as_str()).unwrap_or(0);
            if recounted != o.votes {
                problems.push(format!(
                    "tally leaf {}: option {} has {} votes, the opened votes give {recounted}",
                    t.index, o.option, o.votes
                ));
            }
        }
        for (o, n) in counts {
            problems.push(format!(
                "tally leaf {}: {n} votes for option {o}, which the tally does not list",
                t.index
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_tlog::{commit, OptionCount};

    fn vote_leaf() -> Leaf {
        Leaf {
            kind: LeafKind::VoteCast,
            time_ms: 1,
            commitment: [1; 32],
        }
    }

    fn tally(index: u64, ballot_leaves: Vec<u64>, votes: u64) -> (Leaf, LogReceipt) {
        let record = Record::Tally {
            v: 1,
            consultation: format!("c{index}"),
            closed_at_ms: 5,
            options: vec![OptionCount {
                option: "o".into(),
                votes,
            }],
            ballots: ballot_leaves.len() as u64,
            ballot_leaves,
        };
        let salt = Salt([9; 32]);
        let bytes = record.to_bytes();
        let leaf = Leaf {
            kind: LeafKind::TallyFinal,
            time_ms: 5,
            commitment: commit(&bytes, &salt),
        };
        let receipt = LogReceipt {
            index,
            kind: "tally_final".into(),
            time_ms: 5,
            salt: salt.to_hex(),
            record: String::from_utf8(bytes).unwrap(),
        };
        (leaf, receipt)
    }

    fn opened_vote(index: u64, ballot: &str, option: &str) -> (Leaf, LogReceipt) {
        let record = Record::Vote {
            v: 1,
            consultation: "c2".into(),
            ballot: ballot.into(),
            options: vec![option.into()],
            replaces: None,
        };
        let salt = Salt([index as u8; 32]);
        let bytes = record.to_bytes();
        let leaf = Leaf {
            kind: LeafKind::VoteCast,
            time_ms: 1,
            commitment: commit(&bytes, &salt),
        };
        let receipt = LogReceipt {
            index,
            kind: "vote_cast".into(),
            time_ms: 1,
            salt: salt.to_hex(),
            record: String::from_utf8(bytes).unwrap(),
        };
        (leaf, receipt)
    }

    #[test]
    fn with_the_openings_every_tally_is_recounted_option_by_option() {
        // Ballot x votes twice (leaves 0 and 1), ballot y once (leaf 2); the tally (leaf 3) counts 1 and 2.
        let (l0, o0) = opened_vote(0, "x", "o");
        let (l1, o1) = opened_vote(1, "x", "o");
        let (l2, o2) = opened_vote(2, "y", "o");
        let (t3, r3) = tally(3, vec![1, 2], 2);
        let r3 = LogReceipt {
            record: r3
                .record
                .replace("\"consultation\":\"c3\"", "\"consultation\":\"c2\""),
            ..r3
        };
        let t3 = Leaf {
            commitment: commit(r3.record.as_bytes(), &Salt([9; 32])),
            ..t3
        };
        let leaves = vec![l0, l1, l2, t3];
        let openings = vec![o0.clone(), o1.clone(), o2.clone()];
        assert_eq!(
            recount(&leaves, std::slice::from_ref(&r3), &openings),
            Vec::<String>::new()
        );

        // A tally that counts a replaced vote and leaves a ballot out, or misstates a count.
        let (t3b, r3b) = tally(3, vec![0, 1], 2);
        let r3b = LogReceipt {
            record: r3b
                .record
                .replace("\"consultation\":\"c3\"", "\"consultation\":\"c2\""),
            ..r3b
        };
        let leaves_b = vec![leaves[0], leaves[1], leaves[2], t3b];
        let all = recount(&leaves_b, &[r3b], &openings).join("\n");
        assert!(
            all.contains("latest vote is leaf 2 was not counted"),
            "{all}"
        );
        assert!(
            all.contains("leaf 0 is counted but is not its ballot's latest vote"),
            "{all}"
        );
        let wrong = LogReceipt {
            record: r3.record.replace("\"votes\":2", "\"votes\":1"),
            ..r3.clone()
        };
        let all = recount(&leaves, &[wrong], &openings).join("\n");
        assert!(
            all.contains("has 1 votes, the opened votes give 2"),
            "{all}"
        );
        // An opening that does not open its leaf.
        let mut bad = o2;
        bad.record = bad.record.replace("\"y\"", "\"z\"");
        let all = recount(&leaves, &[r3], &[o0, o1, bad]).join("\n");
        assert!(all.contains("leaf 2 does not open it"), "{all}");
    }

    #[test]
    fn honest_tallies_pass_and_each_cheat_is_named() {
        let (t2, r2) = tally(2, vec![0, 1], 2);
        let leaves = vec![vote_leaf(), vote_leaf(), t2];
        let (checks, cited, problems) = check_tallies(&leaves, std::slice::from_ref(&r2));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((checks.len(), cited), (1, 2));

        // Counting a leaf twice across tallies, a non-vote, a later leaf, or a wrong total.
        let (t3, r3) = tally(3, vec![1, 2, 4], 1);
        let leaves = vec![vote_leaf(), vote_leaf(), leaves[2], t3, vote_leaf()];
        let (_, _, problems) = check_tallies(&leaves, &[r2.clone(), r3]);
        let all = problems.join("\n");
        assert!(all.contains("vote leaf 1 is counted twice"), "{all}");
        assert!(all.contains("counts leaf 2, which is not a vote"), "{all}");
        assert!(
            all.contains("counts leaf 4, which is not a vote logged before it"),
            "{all}"
        );
        assert!(all.contains("1 votes cannot come from 3 ballots"), "{all}");

        // A tally record that does not open its leaf.
        let mut forged = r2;
        forged.record = forged.record.replace("\"votes\":2", "\"votes\":3");
        let (_, _, problems) = check_tallies(&leaves, &[forged]);
        assert!(problems[0].contains("is not the tally"), "{problems:?}");
    }
}
