//! The layered configuration through the real binary: `check-config` on a good file and a bad one,
//! and `serve` running from what a file says.
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

/// `linli-hub ARGS` in `lang`, with no LINLI_HUB_* variable from the test's own environment.
fn linli_hub(lang: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linli-hub"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("LINLI_HUB_")) {
        cmd.env_remove(k);
    }
    cmd.env("LC_ALL", lang).envs(env.iter().copied()).args(args);
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_config_accepts_a_good_file_and_says_where_each_value_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = tmp.path().join("hub.toml");
    std::fs::write(
        &file,
        format!(
            "data_dir = {:?}\nlisten = \"127.0.0.1:8000\"\nbackup_keep = 5\nbackup_every = \"1h\"\n",
            data.display().to_string()
        ),
    )
    .unwrap();
    let out = linli_hub(
        "en-US",
        &[("LINLI_HUB_LISTEN", "127.0.0.1:9000")],
        &[
            "check-config",
            "--config",
            file.to_str().unwrap(),
            "--backup-keep",
            "7",
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("The configuration is fine"), "{stderr}");
    // The effective configuration is itself a configuration file.
    let effective: toml::Table = toml::from_str(&stdout).unwrap();
    assert_eq!(effective["data_dir"].as_str(), data.to_str());
    assert_eq!(effective["listen"].as_str(), Some("127.0.0.1:9000"));
    assert_eq!(effective["backup_keep"].as_integer(), Some(7));
    assert_eq!(effective["backup_every"].as_str(), Some("1h"));
    assert_eq!(effective["requests_per_minute"].as_integer(), Some(3000));
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
            .to_owned()
    };
    assert!(line("data_dir").ends_with(&format!("# from {}", file.display())));
    assert!(line("listen").ends_with("# from the environment variable LINLI_HUB_LISTEN"));
    assert!(line("backup_keep").ends_with("# from the flag --backup-keep"));
    assert!(line("request_burst").ends_with("# default"));
    assert!(stdout.contains("# backup_dir: not set"), "{stdout}");
    // It checks without creating anything.
    assert!(!data.exists());
}

#[test]
fn check_config_rejects_an_unknown_key_naming_it_and_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hub.toml");
    std::fs::write(
        &file,
        "# the office's hub\nlisten_address = \"0.0.0.0:8787\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let zh = linli_hub("zh-CN", &[], &["check-config", "--config", path]);
    assert!(!zh.status.success());
    let said = text(&zh.stderr);
    assert!(
        said.contains(&format!(
            "配置文件 {path} 第 2 行：未知的配置项“listen_address”"
        )),
        "{said}"
    );
    let en = linli_hub("en-US", &[], &["check-config", "--config", path]);
    assert!(!en.status.success());
    let said = text(&en.stderr);
    assert!(
        said.contains("line 2: unknown key “listen_address”"),
        "{said}"
    );
    // serve refuses the same file the same way, before opening anything.
    let serve = linli_hub("en-US", &[], &["serve", "--config", path]);
    assert!(!serve.status.success());
    assert!(text(&serve.stderr).contains("unknown key “listen_address”"));
}

#[test]
fn check_config_names_a_bad_value_and_a_bad_environment_variable() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hub.toml");
    std::fs::write(&file, "backup_every = \"every night\"\n").unwrap();
    let path = file.to_str().unwrap();
    let out = linli_hub("en-US", &[], &["check-config", "--config", path]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("line 1: the value of “backup_every” is not valid; expected a duration"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(&file, "").unwrap();
    let out = linli_hub(
        "zh-CN",
        &[("LINLI_HUB_METRICS_LISTEN", "9100")],
        &["check-config", "--config", path],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("环境变量 LINLI_HUB_METRICS_LISTEN 的值“9100”无效"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_config_finds_unusable_tls_files_and_metrics_on_the_residents_port() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hub.toml");
    std::fs::write(
        &file,
        format!(
            "data_dir = {:?}\nlisten = \"0.0.0.0:8787\"\nmetrics_listen = \"127.0.0.1:8787\"\n\
             tls_cert = {:?}\ntls_key = {:?}\n",
            tmp.path().join("d").display().to_string(),
            tmp.path().join("missing.pem").display().to_string(),
            tmp.path().join("missing.key").display().to_string(),
        ),
    )
    .unwrap();
    let out = linli_hub(
        "en-US",
        &[],
        &["check-config", "--config", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(
        said.contains("The HTTPS certificate or key cannot be used"),
        "{said}"
    );
    assert!(
        said.contains("The metrics address 127.0.0.1:8787 uses the residents' port"),
        "{said}"
    );
    assert!(said.contains("2 problem(s)"), "{said}");
}

#[test]
fn serve_runs_from_the_file_with_the_environment_overriding_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (from_file, from_env) = (tmp.path().join("file-data"), tmp.path().join("env-data"));
    let file = tmp.path().join("hub.toml");
    std::fs::write(
        &file,
        format!(
            "data_dir = {:?}\nlisten = \"127.0.0.1:0\"\n",
            from_file.display().to_string()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_linli-hub"))
        .args(["serve", "--config", file.to_str().unwrap()])
        .env("LC_ALL", "en-US")
        .env("LINLI_HUB_DATA_DIR", &from_env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let serving = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("running at http://"));
    let _ = child.kill();
    let _ = child.wait();
    let serving = serving.expect("the hub did not start");
    assert!(
        serving.contains(&from_env.display().to_string()),
        "{serving}"
    );
    assert!(from_env.join("hub.db").exists());
    assert!(!from_file.exists());
}
