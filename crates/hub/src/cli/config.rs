//! `serve`'s configuration in three layers: a TOML file (`--config PATH`, else `LINLI_HUB_CONFIG`,
//! else /etc/linli/hub.toml when it exists), then the environment (`LINLI_HUB_<KEY>`), then the
//! flags (`--<key>`). Each later layer overrides the ones before, option by option; what no layer
//! sets takes its default. One struct, [`Layer`], lists the options: it is the file's schema (keys
//! are its field names), the flags (clap) and, through [`Layer::from_env`], the environment.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde::{Deserialize, Deserializer};

use linli_i18n::Arg;

use super::logs::LogFormat;
use super::msg;

/// The file the packaged hub reads when neither `--config` nor `LINLI_HUB_CONFIG` names one.
pub const DEFAULT_FILE: &str = "/etc/linli/hub.toml";
/// Names the configuration file, like `--config`.
pub const CONFIG_ENV: &str = "LINLI_HUB_CONFIG";
const ENV_PREFIX: &str = "LINLI_HUB_";

const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
const DEFAULT_BACKUP_EVERY: Duration = Duration::from_secs(6 * 3600);
const DEFAULT_BACKUP_KEEP: usize = 28;

/// `serve`'s options as one layer (the file, the environment or the flags) gives them: any may be
/// left unset. Defaults are applied only after the layers are merged, so that a layer that says
/// nothing about an option never hides what an earlier layer said.
#[derive(Args, Deserialize, Default, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// The data directory (hub.db, blobs/, log-signing-key) [default: the per-user data directory]
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The address residents' devices reach [default: 127.0.0.1:8787]
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// Days the photos of a resolved report are kept before the hub deletes them (the privacy
    /// notice says two years: change the notice too when changing this) [default: 730]
    #[arg(long)]
    pub photo_retention_days: Option<i64>,
    /// Requests per minute one device may make (sustained); more answer 429 `rate_limited`
    /// [default: 3000]
    #[arg(long)]
    pub requests_per_minute: Option<u32>,
    /// Requests one device may make at once after a quiet spell [default: 1000]
    #[arg(long)]
    pub request_burst: Option<u32>,
    /// Requests per minute one Open311 API key may make (sustained); more answer 429 with
    /// `Retry-After` [default: 120]
    #[arg(long)]
    pub open311_requests_per_minute: Option<u32>,
    /// Requests one Open311 API key may make at once after a quiet spell [default: 60]
    #[arg(long)]
    pub open311_request_burst: Option<u32>,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key
    #[arg(long)]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert
    #[arg(long)]
    pub tls_key: Option<PathBuf>,
    /// After SIGTERM, keep serving this long with `/readyz` at 503 (so a load balancer stops
    /// sending) before closing the port; in-flight requests finish either way [default: 0s]
    #[arg(long, value_parser = humantime::parse_duration)]
    #[serde(default, deserialize_with = "duration")]
    pub drain_grace: Option<Duration>,
    /// Serve Prometheus metrics at `GET /metrics` on this address (never the residents' port)
    #[arg(long)]
    pub metrics_listen: Option<SocketAddr>,
    /// Take rotating backups into this directory (one subdirectory per backup)
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// How often to take a backup into --backup-dir (e.g. 6h, 30m) [default: 6h]
    #[arg(long, value_parser = humantime::parse_duration)]
    #[serde(default, deserialize_with = "duration")]
    pub backup_every: Option<Duration>,
    /// How many backups to keep in --backup-dir (the oldest go first) [default: 28]
    #[arg(long)]
    pub backup_keep: Option<usize>,
    /// `human` (lines for a person) or `json` (one JSON object a line, each naming its request's
    /// id) [default: human]
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

/// Durations in the file as operators write them: "6h", "30m", "5s".
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// The environment variable of an option: `listen` → `LINLI_HUB_LISTEN`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_uppercase())
}

/// The flag of an option: `data_dir` → `--data-dir`.
fn flag_name(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

impl Layer {
    /// The environment layer, read through `var` (`std::env::var` in the binary). An empty value
    /// counts as unset, as `Environment=LINLI_HUB_X=` in a unit means.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Layer, ConfigError> {
        let get = |key: &'static str| -> Option<(&'static str, String)> {
            var(&env_name(key))
                .filter(|v| !v.trim().is_empty())
                .map(|v| (key, v))
        };
        Ok(Layer {
            data_dir: get("data_dir").map(|(_, v)| PathBuf::from(v)),
            listen: env_value(get("listen"), |v| v.parse().ok())?,
            photo_retention_days: env_value(get("photo_retention_days"), |v| v.parse().ok())?,
            requests_per_minute: env_value(get("requests_per_minute"), |v| v.parse().ok())?,
            request_burst: env_value(get("request_burst"), |v| v.parse().ok())?,
            open311_requests_per_minute: env_value(get("open311_requests_per_minute"), |v| {
                v.parse().ok()
            })?,
            open311_request_burst: env_value(get("open311_request_burst"), |v| v.parse().ok())?,
            tls_cert: get("tls_cert").map(|(_, v)| PathBuf::from(v)),
            tls_key: get("tls_key").map(|(_, v)| PathBuf::from(v)),
            drain_grace: env_value(get("drain_grace"), |v| humantime::parse_duration(v).ok())?,
            metrics_listen: env_value(get("metrics_listen"), |v| v.parse().ok())?,
            backup_dir: get("backup_dir").map(|(_, v)| PathBuf::from(v)),
            backup_every: env_value(get("backup_every"), |v| humantime::parse_duration(v).ok())?,
            backup_keep: env_value(get("backup_keep"), |v| v.parse().ok())?,
            log_format: env_value(get("log_format"), |v| {
                <LogFormat as clap::ValueEnum>::from_str(v, true).ok()
            })?,
        })
    }

    /// Parses a configuration file. Unknown keys and bad values are errors naming the key and its
    /// line: a typo must not silently fall back to a default.
    pub fn from_toml(path: &Path, text: &str) -> Result<Layer, ConfigError> {
        toml::from_str(text).map_err(|e| file_error(path, text, &e))
    }

    /// Reads the file at `path`.
    pub fn from_file(path: &Path) -> Result<Layer, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Layer::from_toml(path, &text)
    }
}

fn env_value<T>(
    given: Option<(&'static str, String)>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ConfigError> {
    match given {
        None => Ok(None),
        Some((key, value)) => match parse(value.trim()) {
            Some(v) => Ok(Some(v)),
            None => Err(ConfigError::BadEnv {
                var: env_name(key),
                value,
                key,
            }),
        },
    }
}

/// Turns the TOML parser's error into one naming the key and the line.
fn file_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let path = path.to_path_buf();
    let Some(span) = e.span() else {
        return ConfigError::Syntax {
            path,
            line: 1,
            reason: e.message().to_string(),
        };
    };
    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
    if e.message().starts_with("unknown field") {
        let key = text.get(span.clone()).unwrap_or_default();
        let key = key
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        return ConfigError::UnknownKey { path, key, line };
    }
    // A bad value: the key is what stands before `=` on the value's line (the file is flat).
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let key = line_text.split_once('=').map(|(k, _)| k.trim());
    match key.and_then(known_key) {
        Some(key) => ConfigError::BadValue { path, key, line },
        None => ConfigError::Syntax {
            path,
            line,
            reason: e.message().to_string(),
        },
    }
}

/// Every key, in the order `check-config` prints them.
pub const KEYS: [&str; 15] = [
    "data_dir",
    "listen",
    "metrics_listen",
    "tls_cert",
    "tls_key",
    "log_format",
    "photo_retention_days",
    "requests_per_minute",
    "request_burst",
    "open311_requests_per_minute",
    "open311_request_burst",
    "drain_grace",
    "backup_dir",
    "backup_every",
    "backup_keep",
];

fn known_key(k: &str) -> Option<&'static str> {
    KEYS.iter().copied().find(|known| *known == k)
}

/// What a value of `key` looks like, as a Fluent message id (for error messages).
fn expected(key: &str) -> &'static str {
    match key {
        "listen" | "metrics_listen" => "hub-config-expect-address",
        "drain_grace" | "backup_every" => "hub-config-expect-duration",
        "photo_retention_days"
        | "requests_per_minute"
        | "request_burst"
        | "open311_requests_per_minute"
        | "open311_request_burst"
        | "backup_keep" => "hub-config-expect-number",
        "log_format" => "hub-config-expect-log-format",
        _ => "hub-config-expect-path",
    }
}

/// Where an option's effective value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(String),
    Flag(String),
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Default => msg("hub-config-from-default", &[]),
            Source::File(p) => msg(
                "hub-config-from-file",
                &[("path", p.display().to_string().into())],
            ),
            Source::Env(v) => msg("hub-config-from-env", &[("var", v.clone().into())]),
            Source::Flag(f) => msg("hub-config-from-flag", &[("flag", f.clone().into())]),
        }
    }
}

/// The configuration file to read: the one named (which must then exist), else the default one
/// when it exists, else none.
pub fn file_path(named: Option<PathBuf>) -> Option<PathBuf> {
    named.or_else(|| Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.exists()))
}

/// The three layers before merging.
#[derive(Default, Debug)]
pub struct Layers {
    pub file: Option<(PathBuf, Layer)>,
    pub env: Layer,
    pub flags: Layer,
}

impl Layers {
    /// Reads the file (the one named, else the default one if it exists) and the environment.
    pub fn load(
        config: Option<PathBuf>,
        flags: Layer,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Layers, ConfigError> {
        let file = match file_path(config) {
            Some(p) => {
                let layer = Layer::from_file(&p)?;
                Some((p, layer))
            }
            None => None,
        };
        Ok(Layers {
            file,
            env: Layer::from_env(var)?,
            flags,
        })
    }
}

/// Picks each option from the latest layer that sets it, and remembers where it came from.
struct Picker<'a> {
    layers: &'a Layers,
    sources: BTreeMap<&'static str, Source>,
}

impl Picker<'_> {
    fn get<T: Clone>(
        &mut self,
        key: &'static str,
        field: impl Fn(&Layer) -> &Option<T>,
    ) -> Option<T> {
        let l = self.layers;
        let found = field(&l.flags)
            .clone()
            .map(|v| (v, Source::Flag(flag_name(key))))
            .or_else(|| {
                field(&l.env)
                    .clone()
                    .map(|v| (v, Source::Env(env_name(key))))
            })
            .or_else(|| {
                l.file
                    .as_ref()
                    .and_then(|(p, f)| field(f).clone().map(|v| (v, Source::File(p.clone()))))
            });
        let (value, source) = match found {
            Some((v, s)) => (Some(v), s),
            None => (None, Source::Default),
        };
        self.sources.insert(key, source);
        value
    }
}

/// The options `serve` runs with, after merging the layers and applying defaults.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub file: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub metrics_listen: Option<SocketAddr>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub log_format: LogFormat,
    pub photo_retention_days: i64,
    pub requests_per_minute: u32,
    pub request_burst: u32,
    pub open311_requests_per_minute: u32,
    pub open311_request_burst: u32,
    pub drain_grace: Duration,
    pub backup_dir: Option<PathBuf>,
    pub backup_every: Duration,
    pub backup_keep: usize,
    sources: BTreeMap<&'static str, Source>,
}

impl ServeConfig {
    /// Merges the layers. `default_data_dir` is asked only when no layer names a data directory.
    pub fn resolve(
        layers: &Layers,
        default_data_dir: impl FnOnce() -> Option<PathBuf>,
    ) -> Result<ServeConfig, ConfigError> {
        let rate = linli_hub::api::throttle::Rate::DEVICE_DEFAULT;
        let key_rate = linli_hub::api::throttle::Rate::OPEN311_KEY_DEFAULT;
        let mut p = Picker {
            layers,
            sources: BTreeMap::new(),
        };
        let data_dir = match p.get("data_dir", |l| &l.data_dir) {
            Some(d) => d,
            None => default_data_dir().ok_or(ConfigError::NoDataDir)?,
        };
        let tls = match (
            p.get("tls_cert", |l| &l.tls_cert),
            p.get("tls_key", |l| &l.tls_key),
        ) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::TlsHalf { missing: "tls_key" }),
            (None, Some(_)) => {
                return Err(ConfigError::TlsHalf {
                    missing: "tls_cert",
                })
            }
        };
        Ok(ServeConfig {
            file: layers.file.as_ref().map(|(p, _)| p.clone()),
            data_dir,
            listen: p
                .get("listen", |l| &l.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("a valid address")),
            metrics_listen: p.get("metrics_listen", |l| &l.metrics_listen),
            tls,
            log_format: p.get("log_format", |l| &l.log_format).unwrap_or_default(),
            photo_retention_days: p
                .get("photo_retention_days", |l| &l.photo_retention_days)
                .unwrap_or(linli_proto::PHOTO_RETENTION_DAYS_DEFAULT),
            requests_per_minute: p
                .get("requests_per_minute", |l| &l.requests_per_minute)
                .unwrap_or(rate.per_minute),
            request_burst: p
                .get("request_burst", |l| &l.request_burst)
                .unwrap_or(rate.burst),
            open311_requests_per_minute: p
                .get("open311_requests_per_minute", |l| {
                    &l.open311_requests_per_minute
                })
                .unwrap_or(key_rate.per_minute),
            open311_request_burst: p
                .get("open311_request_burst", |l| &l.open311_request_burst)
                .unwrap_or(key_rate.burst),
            drain_grace: p.get("drain_grace", |l| &l.drain_grace).unwrap_or_default(),
            backup_dir: p.get("backup_dir", |l| &l.backup_dir),
            backup_every: p
                .get("backup_every", |l| &l.backup_every)
                .unwrap_or(DEFAULT_BACKUP_EVERY),
            backup_keep: p
                .get("backup_keep", |l| &l.backup_keep)
                .unwrap_or(DEFAULT_BACKUP_KEEP),
            sources: p.sources,
        })
    }

    /// Where `key`'s value came from.
    pub fn source(&self, key: &str) -> Source {
        self.sources.get(key).cloned().unwrap_or(Source::Default)
    }

    /// Each key with its value as TOML would write it (None: unset). Nothing here is a secret:
    /// the TLS key is named by its path only.
    pub fn entries(&self) -> Vec<(&'static str, Option<toml::Value>)> {
        use toml::Value;
        let path = |p: &Path| Value::String(p.display().to_string());
        let text = Value::String;
        let int = Value::Integer;
        let dur = |d: Duration| text(humantime::format_duration(d).to_string());
        KEYS.iter()
            .map(|&key| {
                let v = match key {
                    "data_dir" => Some(path(&self.data_dir)),
                    "listen" => Some(text(self.listen.to_string())),
                    "metrics_listen" => self.metrics_listen.map(|a| text(a.to_string())),
                    "tls_cert" => self.tls.as_ref().map(|(c, _)| path(c)),
                    "tls_key" => self.tls.as_ref().map(|(_, k)| path(k)),
                    "log_format" => Some(text(
                        match self.log_format {
                            LogFormat::Human => "human",
                            LogFormat::Json => "json",
                        }
                        .into(),
                    )),
                    "photo_retention_days" => Some(int(self.photo_retention_days)),
                    "requests_per_minute" => Some(int(self.requests_per_minute.into())),
                    "request_burst" => Some(int(self.request_burst.into())),
                    "open311_requests_per_minute" => {
                        Some(int(self.open311_requests_per_minute.into()))
                    }
                    "open311_request_burst" => Some(int(self.open311_request_burst.into())),
                    "drain_grace" => Some(dur(self.drain_grace)),
                    "backup_dir" => self.backup_dir.as_deref().map(path),
                    "backup_every" => Some(dur(self.backup_every)),
                    "backup_keep" => Some(int(i64::try_from(self.backup_keep).unwrap_or(i64::MAX))),
                    _ => None,
                };
                (key, v)
            })
            .collect()
    }
}

/// Loads and merges the configuration as `serve` and `check-config` do.
pub fn load(config: Option<PathBuf>, flags: Layer) -> Result<ServeConfig, ConfigError> {
    let layers = Layers::load(config, flags, |k| std::env::var(k).ok())?;
    ServeConfig::resolve(&layers, super::default_data_dir)
}

/// What can be wrong with a configuration; shown in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    Syntax {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    UnknownKey {
        path: PathBuf,
        key: String,
        line: usize,
    },
    BadValue {
        path: PathBuf,
        key: &'static str,
        line: usize,
    },
    BadEnv {
        var: String,
        value: String,
        key: &'static str,
    },
    TlsHalf {
        missing: &'static str,
    },
    NoDataDir,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = |p: &PathBuf| -> Arg { p.display().to_string().into() };
        let n = |n: &usize| -> Arg { (*n).into() };
        let text = match self {
            ConfigError::Unreadable { path, reason } => msg(
                "hub-config-unreadable",
                &[("path", p(path)), ("reason", reason.clone().into())],
            ),
            ConfigError::Syntax { path, line, reason } => msg(
                "hub-config-syntax",
                &[
                    ("path", p(path)),
                    ("line", n(line)),
                    ("reason", reason.clone().into()),
                ],
            ),
            ConfigError::UnknownKey { path, key, line } => msg(
                "hub-config-unknown-key",
                &[
                    ("path", p(path)),
                    ("line", n(line)),
                    ("key", key.clone().into()),
                ],
            ),
            ConfigError::BadValue { path, key, line } => msg(
                "hub-config-bad-value",
                &[
                    ("path", p(path)),
                    ("line", n(line)),
                    ("key", (*key).into()),
                    ("expected", msg(expected(key), &[]).into()),
                ],
            ),
            ConfigError::BadEnv { var, value, key } => msg(
                "hub-config-bad-env",
                &[
                    ("var", var.clone().into()),
                    ("value", value.clone().into()),
                    ("expected", msg(expected(key), &[]).into()),
                ],
            ),
            ConfigError::TlsHalf { missing } => {
                msg("hub-config-tls-half", &[("missing", (*missing).into())])
            }
            ConfigError::NoDataDir => msg("hub-no-data-dir", &[]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Layer {
        Layer::from_toml(Path::new("hub.toml"), text).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> Result<Layer, ConfigError> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Layer::from_env(|k| map.get(k).cloned())
    }

    fn flags(args: &[&str]) -> Layer {
        #[derive(clap::Parser)]
        struct Cmd {
            #[command(flatten)]
            layer: Layer,
        }
        let mut argv = vec!["serve"];
        argv.extend_from_slice(args);
        <Cmd as clap::Parser>::try_parse_from(argv).unwrap().layer
    }

    fn resolve(layers: &Layers) -> ServeConfig {
        ServeConfig::resolve(layers, || Some(PathBuf::from("/default"))).unwrap()
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_option_by_option() {
        let layers = Layers {
            file: Some((
                PathBuf::from("/etc/linli/hub.toml"),
                file(
                    "listen = \"0.0.0.0:1111\"\nbackup_keep = 3\ndata_dir = \"/from/file\"\nlog_format = \"json\"\n",
                ),
            )),
            env: env(&[
                ("LINLI_HUB_LISTEN", "0.0.0.0:2222"),
                ("LINLI_HUB_BACKUP_KEEP", "4"),
            ])
            .unwrap(),
            flags: flags(&["--listen", "0.0.0.0:3333"]),
        };
        let c = resolve(&layers);
        assert_eq!(c.listen, "0.0.0.0:3333".parse().unwrap());
        assert_eq!(c.source("listen"), Source::Flag("--listen".into()));
        assert_eq!(c.backup_keep, 4);
        assert_eq!(
            c.source("backup_keep"),
            Source::Env("LINLI_HUB_BACKUP_KEEP".into())
        );
        assert_eq!(c.data_dir, PathBuf::from("/from/file"));
        assert_eq!(
            c.source("data_dir"),
            Source::File(PathBuf::from("/etc/linli/hub.toml"))
        );
        assert_eq!(c.log_format, LogFormat::Json);
        // What no layer sets takes its default.
        assert_eq!(c.backup_every, DEFAULT_BACKUP_EVERY);
        assert_eq!(c.source("backup_every"), Source::Default);
        assert_eq!(c.listen.to_string(), "0.0.0.0:3333");
    }

    #[test]
    fn without_any_layer_serve_keeps_its_old_defaults() {
        let c = resolve(&Layers::default());
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.data_dir, PathBuf::from("/default"));
        assert_eq!(c.requests_per_minute, 3000);
        assert_eq!(c.request_burst, 1000);
        assert_eq!(c.photo_retention_days, 730);
        assert_eq!(c.backup_keep, 28);
        assert_eq!(c.drain_grace, Duration::ZERO);
        assert_eq!(c.log_format, LogFormat::Human);
        assert!(c.tls.is_none() && c.metrics_listen.is_none() && c.backup_dir.is_none());
        for key in KEYS {
            assert_eq!(c.source(key), Source::Default, "{key}");
        }
    }

    #[test]
    fn every_option_can_be_given_in_each_layer() {
        let toml = "data_dir = \"/d\"\nlisten = \"127.0.0.1:1\"\nmetrics_listen = \"127.0.0.1:2\"\n\
            tls_cert = \"/c.pem\"\ntls_key = \"/k.pem\"\nlog_format = \"json\"\nphoto_retention_days = 9\n\
            requests_per_minute = 8\nrequest_burst = 7\nopen311_requests_per_minute = 5\n\
            open311_request_burst = 4\ndrain_grace = \"5s\"\nbackup_dir = \"/b\"\n\
            backup_every = \"30m\"\nbackup_keep = 6\n";
        let from_file = file(toml);
        let from_env = env(&[
            ("LINLI_HUB_DATA_DIR", "/d"),
            ("LINLI_HUB_LISTEN", "127.0.0.1:1"),
            ("LINLI_HUB_METRICS_LISTEN", "127.0.0.1:2"),
            ("LINLI_HUB_TLS_CERT", "/c.pem"),
            ("LINLI_HUB_TLS_KEY", "/k.pem"),
            ("LINLI_HUB_LOG_FORMAT", "json"),
            ("LINLI_HUB_PHOTO_RETENTION_DAYS", "9"),
            ("LINLI_HUB_REQUESTS_PER_MINUTE", "8"),
            ("LINLI_HUB_REQUEST_BURST", "7"),
            ("LINLI_HUB_OPEN311_REQUESTS_PER_MINUTE", "5"),
            ("LINLI_HUB_OPEN311_REQUEST_BURST", "4"),
            ("LINLI_HUB_DRAIN_GRACE", "5s"),
            ("LINLI_HUB_BACKUP_DIR", "/b"),
            ("LINLI_HUB_BACKUP_EVERY", "30m"),
            ("LINLI_HUB_BACKUP_KEEP", "6"),
        ])
        .unwrap();
        let from_flags = flags(&[
            "--data-dir=/d",
            "--listen=127.0.0.1:1",
            "--metrics-listen=127.0.0.1:2",
            "--tls-cert=/c.pem",
            "--tls-key=/k.pem",
            "--log-format=json",
            "--photo-retention-days=9",
            "--requests-per-minute=8",
            "--request-burst=7",
            "--open311-requests-per-minute=5",
            "--open311-request-burst=4",
            "--drain-grace=5s",
            "--backup-dir=/b",
            "--backup-every=30m",
            "--backup-keep=6",
        ]);
        assert_eq!(from_file, from_env);
        assert_eq!(from_file, from_flags);
        // And the effective configuration check-config prints reads back as the same file.
        let c = resolve(&Layers {
            file: Some((PathBuf::from("f"), from_file.clone())),
            ..Layers::default()
        });
        let mut printed = toml::Table::new();
        for (k, v) in c.entries() {
            printed.insert(k.to_string(), v.unwrap());
        }
        assert_eq!(file(&toml::to_string(&printed).unwrap()), from_file);
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let e = Layer::from_toml(
            Path::new("/etc/linli/hub.toml"),
            "# a comment\nlisten = \"0.0.0.0:8787\"\nlisten_port = 8787\n",
        )
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::UnknownKey {
                path: PathBuf::from("/etc/linli/hub.toml"),
                key: "listen_port".into(),
                line: 3
            }
        );
    }

    #[test]
    fn a_bad_value_is_named_with_its_key_and_line() {
        for (text, key, line) in [
            ("listen = \"nowhere\"\n", "listen", 1),
            ("\nbackup_every = \"often\"\n", "backup_every", 2),
            ("backup_keep = \"many\"\n", "backup_keep", 1),
            ("backup_keep = -1\n", "backup_keep", 1),
            ("log_format = \"xml\"\n", "log_format", 1),
        ] {
            let e = Layer::from_toml(Path::new("f"), text).unwrap_err();
            assert_eq!(
                e,
                ConfigError::BadValue {
                    path: PathBuf::from("f"),
                    key,
                    line
                },
                "{text}"
            );
        }
    }

    #[test]
    fn broken_toml_is_a_syntax_error_with_its_line() {
        let e = Layer::from_toml(Path::new("f"), "listen = \"0.0.0.0:1\"\n[[[\n").unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let e = env(&[("LINLI_HUB_BACKUP_EVERY", "soon")]).unwrap_err();
        assert_eq!(
            e,
            ConfigError::BadEnv {
                var: "LINLI_HUB_BACKUP_EVERY".into(),
                value: "soon".into(),
                key: "backup_every"
            }
        );
        // Empty means unset, as `Environment=LINLI_HUB_LISTEN=` in a unit does.
        assert_eq!(env(&[("LINLI_HUB_LISTEN", "")]).unwrap(), Layer::default());
    }

    #[test]
    fn a_certificate_without_its_key_is_refused_whichever_layers_give_them() {
        let cert_only = Layers {
            file: Some((PathBuf::from("f"), file("tls_cert = \"/c.pem\"\n"))),
            ..Layers::default()
        };
        let e = ServeConfig::resolve(&cert_only, || Some("/d".into())).unwrap_err();
        assert_eq!(e, ConfigError::TlsHalf { missing: "tls_key" });
        let key_only = Layers {
            env: env(&[("LINLI_HUB_TLS_KEY", "/k.pem")]).unwrap(),
            ..Layers::default()
        };
        let e = ServeConfig::resolve(&key_only, || Some("/d".into())).unwrap_err();
        assert_eq!(
            e,
            ConfigError::TlsHalf {
                missing: "tls_cert"
            }
        );
        let both = Layers {
            file: cert_only.file.clone(),
            env: key_only.env.clone(),
            ..Layers::default()
        };
        let c = resolve(&both);
        assert_eq!(c.tls, Some(("/c.pem".into(), "/k.pem".into())));
    }

    #[test]
    fn without_a_data_dir_anywhere_or_a_default_it_says_so() {
        let e = ServeConfig::resolve(&Layers::default(), || None).unwrap_err();
        assert_eq!(e, ConfigError::NoDataDir);
    }

    #[test]
    fn a_named_file_that_is_missing_is_an_error() {
        let e = Layers::load(
            Some(PathBuf::from("/nonexistent/hub.toml")),
            Layer::default(),
            |_| None,
        )
        .unwrap_err();
        assert!(matches!(e, ConfigError::Unreadable { .. }), "{e:?}");
    }

    #[test]
    fn the_packaged_default_file_parses_and_sets_the_data_dir() {
        let text = include_str!("../../packaging/hub.toml");
        let layer = Layer::from_toml(Path::new("hub.toml"), text).unwrap();
        assert_eq!(layer.data_dir, Some(PathBuf::from("/var/lib/linli-hub")));
    }
}
