//! Runs a client (`linli`, node) as a child process and reads what it cost from the kernel: wall time, CPU
//! seconds (user + system) and peak resident set size from wait4(2)'s rusage — exact, no sampling.
use anyhow::{bail, Context};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct ChildRun {
    pub wall_secs: f64,
    pub cpu_secs: f64,
    pub peak_rss_mib: f64,
    /// Everything the child printed on stdout.
    pub stdout: String,
}

impl ChildRun {
    /// The last line of stdout that parses as JSON (clients print their answer last).
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        self.stdout
            .lines()
            .rev()
            .find_map(|l| serde_json::from_str(l).ok())
            .or_else(|| serde_json::from_str(&self.stdout).ok())
            .with_context(|| format!("no JSON in the client's output: {}", self.stdout))
    }
}

/// Runs `cmd` to completion.
pub fn run(cmd: Command) -> anyhow::Result<ChildRun> {
    run_talking(cmd, |_| None)
}

/// Runs `cmd`; for every stdout line, `on_line` may answer a line on the child's stdin (so a client can
/// wait between phases while the caller reads counters).
pub fn run_talking(
    mut cmd: Command,
    mut on_line: impl FnMut(&str) -> Option<String> + Send,
) -> anyhow::Result<ChildRun> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let pid = libc::pid_t::try_from(child.id()).context("pid out of range")?;
    let mut stdin = child.stdin.take();
    let stdout = child.stdout.take().context("no stdout")?;
    let mut stderr = child.stderr.take().context("no stderr")?;
    let (out, err, waited) = std::thread::scope(|s| {
        let out = s.spawn(move || {
            let mut all = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(answer) = on_line(&line) {
                    if let Some(w) = stdin.as_mut() {
                        let _ = writeln!(w, "{answer}");
                        let _ = w.flush();
                    }
                }
                all.push_str(&line);
                all.push('\n');
            }
            all
        });
        let err = s.spawn(move || {
            let mut all = String::new();
            let _ = stderr.read_to_string(&mut all);
            all
        });
        let waited = wait4(pid);
        (
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
            waited,
        )
    });
    let wall_secs = started.elapsed().as_secs_f64();
    let (status, usage) = waited?;
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!(
            "{:?} failed (wait status {status}): {}{}",
            cmd.get_program(),
            err.trim(),
            out.trim()
        );
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(ChildRun {
        wall_secs,
        cpu_secs: secs(usage.ru_utime) + secs(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak_rss_mib: usage.ru_maxrss as f64 / 1024.0,
        stdout: out,
    })
}

/// Reaps `pid` and returns its wait status and resource usage. std's `Child::wait` discards the rusage,
/// so this one call goes to libc.
#[allow(unsafe_code)]
fn wait4(pid: libc::pid_t) -> anyhow::Result<(libc::c_int, libc::rusage)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers refer to live locals of the right types for the whole call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            return Ok((status, usage));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("wait4");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_and_memory_of_a_child() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo '{\"ok\":1}'",
        ]);
        let run = run(cmd).expect("sh runs");
        assert!(run.cpu_secs > 0.0, "{run:?}");
        assert!(run.peak_rss_mib > 0.1, "{run:?}");
        assert_eq!(run.json().expect("json")["ok"], 1);
    }

    #[test]
    fn a_failing_child_is_an_error() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo broken >&2; exit 3"]);
        let e = run(cmd).expect_err("exit 3 fails");
        assert!(e.to_string().contains("broken"), "{e}");
    }
}
