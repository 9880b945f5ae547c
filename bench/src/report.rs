//! The figures of one benchmark run, the ratios between the stacks and against the goals, printed as
//! Markdown tables and written as JSON.
use crate::ingest::Load;
use crate::linli_client::LinliRun;
use crate::pouch::{PouchPull, PouchPush};
use crate::stats::Summary;
use crate::Config;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Stable key, e.g. `s1.linli.rate`.
    pub id: String,
    pub scenario: u8,
    pub what: String,
    pub unit: String,
    #[serde(flatten)]
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub what: String,
    pub value: f64,
    /// The goal of issue 7, when there is one (value must be at least `min` / at most `max`).
    pub goal_min: Option<f64>,
    pub goal_max: Option<f64>,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: String,
    pub config: Config,
    pub pouch_adapter: Option<String>,
    pub pouch_best_batch: Option<usize>,
    pub figures: Vec<Figure>,
    pub ratios: Vec<Ratio>,
    pub notes: Vec<String>,
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores, {model}")
}

fn batch_name(b: usize) -> String {
    if b == 0 {
        "default batch (100)".into()
    } else {
        format!("batch {b}")
    }
}

impl Report {
    pub fn new(cfg: &Config) -> Report {
        Report {
            machine: machine(),
            config: cfg.clone(),
            pouch_adapter: None,
            pouch_best_batch: None,
            figures: Vec::new(),
            ratios: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn note(&mut self, s: impl Into<String>) {
        self.notes.push(s.into());
    }

    fn add(&mut self, id: String, scenario: u8, what: String, unit: &str, values: Vec<f64>) {
        self.figures.push(Figure {
            id,
            scenario,
            what,
            unit: unit.into(),
            summary: Summary::of(&values),
        });
    }

    pub fn get(&self, id: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.summary.median)
    }

    pub fn linli(&mut self, n: usize, consultations: usize, main: bool, runs: &[LinliRun]) {
        let col = |f: &dyn Fn(&LinliRun) -> f64| runs.iter().map(f).collect::<Vec<_>>();
        let changes = runs.first().map(|r| r.changes).unwrap_or(0);
        if main {
            let what = format!("initial sync, {n} notices + {consultations} consultations ({changes} changes), `linli sync` process");
            self.add(
                "s1.linli.rate".into(),
                1,
                format!("Linli {what}"),
                "changes/s",
                col(&|r| r.changes as f64 / r.initial.wall_secs),
            );
            self.add(
                "s1.linli.wall".into(),
                1,
                format!("Linli {what}, wall"),
                "s",
                col(&|r| r.initial.wall_secs),
            );
            self.add(
                "s1.linli.bytes".into(),
                1,
                "Linli initial sync, bytes on the wire".into(),
                "bytes",
                col(&|r| r.initial_bytes.total() as f64),
            );
            self.add(
                "s3.linli.wall".into(),
                3,
                "Linli no-change sync, wall (`linli sync` process)".into(),
                "ms",
                col(&|r| r.no_change.wall_secs * 1000.0),
            );
            self.add(
                "s3.linli.bytes".into(),
                3,
                "Linli no-change sync, bytes on the wire".into(),
                "bytes",
                col(&|r| r.no_change_bytes.total() as f64),
            );
            self.add(
                "s5.linli.rss".into(),
                5,
                "Linli client peak RSS during the initial sync".into(),
                "MiB",
                col(&|r| r.initial.peak_rss_mib),
            );
            self.add(
                "s5.linli.cpu".into(),
                5,
                "Linli client CPU (user+sys) for the initial sync".into(),
                "s",
                col(&|r| r.initial.cpu_secs),
            );
            let pushes: Vec<_> = runs.iter().filter_map(|r| r.push.as_ref()).collect();
            if !pushes.is_empty() {
                let ops = pushes[0].applied;
                self.add("s2.linli.rate".into(), 2,
                    format!("Linli push of {ops} queued ops (½ reports, ½ votes), `linli sync` incl. pulling their results"),
                    "ops/s", pushes.iter().map(|p| p.applied as f64 / p.sync.wall_secs).collect());
                self.add("s2.linli.call_rate".into(), 2,
                    format!("Linli push of {ops} queued ops, the sync call alone (timed inside the process, as PouchDB's call is): push, pull of the pushed records, log check"),
                    "ops/s", pushes.iter().map(|p| p.applied as f64 / p.call_secs).collect());
                self.add("s2.linli.push_rate".into(), 2,
                    format!("Linli push of {ops} queued ops, the push phase of that call (outbox to hub, answers and receipts kept: what replicate.to does)"),
                    "ops/s", pushes.iter().map(|p| p.applied as f64 / p.push_secs).collect());
                self.add(
                    "s2.linli.wall".into(),
                    2,
                    "Linli push, wall".into(),
                    "s",
                    pushes.iter().map(|p| p.sync.wall_secs).collect(),
                );
                self.add(
                    "s2.linli.bytes".into(),
                    2,
                    "Linli push, bytes on the wire".into(),
                    "bytes",
                    pushes.iter().map(|p| p.bytes.total() as f64).collect(),
                );
            }
        }
        self.add(
            format!("s6.linli.{n}.rate"),
            6,
            format!("Linli initial sync at {n} notices ({changes} changes)"),
            "changes/s",
            col(&|r| r.changes as f64 / r.initial.wall_secs),
        );
        self.add(
            format!("s6.linli.{n}.cost"),
            6,
            format!("Linli cost per change at {n} notices"),
            "µs",
            col(&|r| r.initial.wall_secs / r.changes.max(1) as f64 * 1e6),
        );
        self.add(
            format!("s6.linli.{n}.rss"),
            6,
            format!("Linli client peak RSS at {n} notices"),
            "MiB",
            col(&|r| r.initial.peak_rss_mib),
        );
    }

    /// Records one batch size's pulls; returns the median docs/s.
    pub fn pouch_pull(&mut self, n: usize, main: bool, batch: usize, runs: &[PouchPull]) -> f64 {
        let col = |f: &dyn Fn(&PouchPull) -> f64| runs.iter().map(f).collect::<Vec<_>>();
        let docs = runs.first().map(|r| r.docs).unwrap_or(0);
        if let Some(r) = runs.first() {
            self.pouch_adapter = Some(r.adapter.clone());
        }
        let b = batch_name(batch);
        if main {
            self.add(
                format!("s1.pouch.b{batch}.rate"),
                1,
                format!(
                    "PouchDB replicate.from, {docs} docs, {b} (replication call, timed in node)"
                ),
                "docs/s",
                col(&|r| r.docs as f64 / r.secs),
            );
            self.add(
                format!("s1.pouch.b{batch}.wall"),
                1,
                format!("PouchDB initial replication, {b}, call"),
                "s",
                col(&|r| r.secs),
            );
            self.add(
                format!("s1.pouch.b{batch}.process"),
                1,
                format!("PouchDB initial + no-change replication, {b}, whole node process"),
                "s",
                col(&|r| r.process.wall_secs),
            );
            self.add(
                format!("s1.pouch.b{batch}.bytes"),
                1,
                format!("PouchDB initial replication, {b}, bytes on the wire"),
                "bytes",
                col(&|r| r.bytes.total() as f64),
            );
            self.add(
                format!("s3.pouch.b{batch}.wall"),
                3,
                format!("PouchDB no-change replication, {b}, call"),
                "ms",
                col(&|r| r.no_change_secs * 1000.0),
            );
            self.add(
                format!("s3.pouch.b{batch}.bytes"),
                3,
                format!("PouchDB no-change replication, {b}, bytes on the wire"),
                "bytes",
                col(&|r| r.no_change_bytes.total() as f64),
            );
            self.add(
                format!("s5.pouch.b{batch}.rss"),
                5,
                format!("node (PouchDB client) peak RSS, initial + no-change replication, {b}"),
                "MiB",
                col(&|r| r.process.peak_rss_mib),
            );
            self.add(
                format!("s5.pouch.b{batch}.cpu"),
                5,
                format!(
                    "node (PouchDB client) CPU (user+sys), initial + no-change replication, {b}"
                ),
                "s",
                col(&|r| r.process.cpu_secs),
            );
        }
        if !main {
            self.pouch_scale(n, batch, runs);
        }
        Summary::of(&col(&|r| r.docs as f64 / r.secs)).median
    }

    /// Scenario 6's figures from the runs at PouchDB's best batch size.
    pub fn pouch_scale(&mut self, n: usize, batch: usize, runs: &[PouchPull]) {
        let col = |f: &dyn Fn(&PouchPull) -> f64| runs.iter().map(f).collect::<Vec<_>>();
        let docs = runs.first().map(|r| r.docs).unwrap_or(0);
        let b = batch_name(batch);
        self.add(
            format!("s6.pouch.{n}.rate"),
            6,
            format!("PouchDB initial replication at {n} notices ({docs} docs), {b}"),
            "docs/s",
            col(&|r| r.docs as f64 / r.secs),
        );
        self.add(
            format!("s6.pouch.{n}.cost"),
            6,
            format!("PouchDB cost per doc at {n} notices"),
            "µs",
            col(&|r| r.secs / r.docs.max(1) as f64 * 1e6),
        );
        self.add(
            format!("s6.pouch.{n}.rss"),
            6,
            format!("node peak RSS at {n} notices"),
            "MiB",
            col(&|r| r.process.peak_rss_mib),
        );
    }

    pub fn pouch_best_batch(&mut self, batch: usize) {
        self.pouch_best_batch = Some(batch);
    }

    pub fn pouch_push(&mut self, batch: usize, runs: &[PouchPush]) {
        let b = batch_name(batch);
        let docs = runs.first().map(|r| r.docs).unwrap_or(0);
        self.add(
            format!("s2.pouch.b{batch}.rate"),
            2,
            format!("PouchDB replicate.to of {docs} new docs, {b} (call, timed in node)"),
            "docs/s",
            runs.iter().map(|r| r.docs as f64 / r.secs).collect(),
        );
        self.add(
            format!("s2.pouch.b{batch}.bytes"),
            2,
            format!("PouchDB push, {b}, bytes on the wire"),
            "bytes",
            runs.iter().map(|r| r.bytes.total() as f64).collect(),
        );
    }

    pub fn ingest(&mut self, cfg: &Config, loads: &[(&str, Vec<Load>)]) {
        for (name, runs) in loads {
            let what = match *name {
                "noop" => "limit: bare axum endpoint, 1 op per request".to_owned(),
                "insert" => "limit: one rusqlite insert per request (own transaction, hub pragmas)"
                    .to_owned(),
                "insert_batch" => format!(
                    "limit: rusqlite, {} rows per request in one transaction",
                    cfg.batch
                ),
                "hub_single" => "Linli hub /v1/push, 1 op per request".to_owned(),
                "hub_batch" => format!("Linli hub /v1/push, {} ops per request", cfg.batch),
                other => other.to_owned(),
            };
            let what = format!("{what}, {} concurrent clients", cfg.clients);
            self.add(
                format!("s4.{name}.rate"),
                4,
                what.clone(),
                "ops/s",
                runs.iter().map(|l| l.ops_per_sec).collect(),
            );
            self.add(
                format!("s4.{name}.p99"),
                4,
                format!("{what}, p99 latency"),
                "ms",
                runs.iter().map(|l| l.p99_ms).collect(),
            );
        }
    }

    fn ratio(
        &mut self,
        what: &str,
        num: Option<f64>,
        den: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
    ) {
        let (Some(n), Some(d)) = (num, den) else {
            return;
        };
        if d == 0.0 {
            return;
        }
        let value = n / d;
        let met = match (min, max) {
            (Some(m), _) => Some(value >= m),
            (_, Some(m)) => Some(value <= m),
            _ => None,
        };
        self.ratios.push(Ratio {
            what: what.into(),
            value,
            goal_min: min,
            goal_max: max,
            met,
        });
    }

    /// Ratios between the medians; PouchDB at its best batch size.
    pub fn finish(&mut self) {
        let b = self.pouch_best_batch.unwrap_or(0);
        let best_push = self
            .config
            .pouch_batches
            .iter()
            .filter_map(|b| self.get(&format!("s2.pouch.b{b}.rate")))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let g = |s: &Self, id: &str| s.get(id);
        self.ratio(
            "1. initial sync: Linli changes/s ÷ PouchDB docs/s",
            g(self, "s1.linli.rate"),
            g(self, &format!("s1.pouch.b{b}.rate")),
            Some(10.0),
            None,
        );
        self.ratio(
            "2. push: Linli ops/s (push phase) ÷ PouchDB docs/s (replicate.to call)",
            g(self, "s2.linli.push_rate"),
            best_push,
            Some(5.0),
            None,
        );
        self.ratio(
            "2. push: Linli ops/s (whole sync call: push, pull of the results, log check) ÷ PouchDB docs/s (replicate.to call)",
            g(self, "s2.linli.call_rate"),
            best_push,
            None,
            None,
        );
        self.ratio(
            "2. push: Linli ops/s (whole `linli sync` process) ÷ PouchDB docs/s (replication call)",
            g(self, "s2.linli.rate"),
            best_push,
            None,
            None,
        );
        self.ratio(
            "3. no-change sync: PouchDB wall ÷ Linli wall (Linli incl. process start)",
            g(self, &format!("s3.pouch.b{b}.wall")),
            g(self, "s3.linli.wall"),
            None,
            None,
        );
        self.ratio(
            "3. no-change sync: PouchDB bytes ÷ Linli bytes",
            g(self, &format!("s3.pouch.b{b}.bytes")),
            g(self, "s3.linli.bytes"),
            None,
            None,
        );
        self.ratio(
            "1. initial sync: PouchDB bytes ÷ Linli bytes",
            g(self, &format!("s1.pouch.b{b}.bytes")),
            g(self, "s1.linli.bytes"),
            None,
            None,
        );
        self.ratio(
            "4. hub single-op ingest ÷ one-insert-per-request limit",
            g(self, "s4.hub_single.rate"),
            g(self, "s4.insert.rate"),
            Some(0.5),
            None,
        );
        self.ratio(
            "4. hub single-op ingest ÷ bare axum endpoint",
            g(self, "s4.hub_single.rate"),
            g(self, "s4.noop.rate"),
            None,
            None,
        );
        self.ratio(
            "4. hub batch ingest ÷ rusqlite batch-insert limit",
            g(self, "s4.hub_batch.rate"),
            g(self, "s4.insert_batch.rate"),
            None,
            None,
        );
        self.ratio(
            "5. client peak RSS: node ÷ linli",
            g(self, &format!("s5.pouch.b{b}.rss")),
            g(self, "s5.linli.rss"),
            None,
            None,
        );
        self.ratio(
            "5. client CPU seconds: node ÷ linli",
            g(self, &format!("s5.pouch.b{b}.cpu")),
            g(self, "s5.linli.cpu"),
            None,
            None,
        );
        let sizes = {
            let mut s = self.config.scale.clone();
            s.sort_unstable();
            s
        };
        if let (Some(lo), Some(hi)) = (sizes.first().copied(), sizes.last().copied()) {
            if hi > lo {
                let base = if sizes.contains(&self.config.notices) && self.config.notices < hi {
                    self.config.notices
                } else {
                    lo
                };
                self.ratio(
                    &format!("6. Linli cost per change at {hi} ÷ at {base} (1.0 = linear)"),
                    g(self, &format!("s6.linli.{hi}.cost")),
                    g(self, &format!("s6.linli.{base}.cost")),
                    None,
                    Some(1.5),
                );
                self.ratio(
                    &format!("6. PouchDB cost per doc at {hi} ÷ at {base} (1.0 = linear)"),
                    g(self, &format!("s6.pouch.{hi}.cost")),
                    g(self, &format!("s6.pouch.{base}.cost")),
                    None,
                    None,
                );
            }
        }
    }

    /// Markdown tables: every figure, then the ratios.
    pub fn table(&self) -> String {
        let mut out = format!("machine: {}\n", self.machine);
        if let Some(a) = &self.pouch_adapter {
            out.push_str(&format!(
                "PouchDB 9 client adapter: {a}; server: express-pouchdb 4.2 on PouchDB 9 ({a}); best batch: {}\n",
                batch_name(self.pouch_best_batch.unwrap_or(0))
            ));
        }
        out.push_str(
            "\n| # | figure | median | spread (min–max) | runs |\n|---|---|---|---|---|\n",
        );
        let mut figures: Vec<&Figure> = self.figures.iter().collect();
        figures.sort_by_key(|f| f.scenario);
        for f in figures {
            out.push_str(&format!(
                "| {} | {} | {} {} | ±{:.0} % ({}–{}) | {} |\n",
                f.scenario,
                f.what,
                num(f.summary.median),
                f.unit,
                f.summary.spread_pct() / 2.0,
                num(f.summary.min),
                num(f.summary.max),
                f.summary.runs.len()
            ));
        }
        out.push_str("\n| ratio | value | goal |\n|---|---|---|\n");
        for r in &self.ratios {
            let goal = match (r.goal_min, r.goal_max, r.met) {
                (Some(m), _, Some(met)) => format!("≥ {m} {}", if met { "met" } else { "NOT met" }),
                (_, Some(m), Some(met)) => format!("≤ {m} {}", if met { "met" } else { "NOT met" }),
                _ => String::new(),
            };
            out.push_str(&format!("| {} | {:.2}× | {} |\n", r.what, r.value, goal));
        }
        for n in &self.notes {
            out.push_str(&format!("\nnote: {n}\n"));
        }
        out
    }
}

/// Three significant digits, thousands separated.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let s = if a >= 1000.0 {
        let digits = a.log10().floor() as i32 + 1;
        let keep = 10f64.powi(digits - 3);
        format!("{:.0}", (v / keep).round() * keep)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    // Thousands separators for the integer part.
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let neg = int.starts_with('-');
    let digits: Vec<char> = int.trim_start_matches('-').chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    format!(
        "{}{}{}",
        if neg { "-" } else { "" },
        grouped,
        frac.map(|f| format!(".{f}")).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_well() {
        assert_eq!(super::num(123456.0), "123,000");
        assert_eq!(super::num(5.678), "5.68");
        assert_eq!(super::num(42.42), "42.4");
        assert_eq!(super::num(999.4), "999");
    }
}
