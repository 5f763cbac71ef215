//! LSP-level benchmark: drives the real `byline lsp` over stdio like an editor, on a
//! deterministic synthetic corpus, and reports latency percentiles and peak RSS.
//!
//! ```sh
//! cargo build --release --locked -p byline
//! cargo bench -p byline-e2e --bench lsp -- [--articles 10000] [--json out.json]
//! ```
//!
//! Steps: generate (or reuse) a corpus of N ~4 KB articles with `../shared/lspbench/makecorpus.py`;
//! spawn `$BYLINE_BIN` (default `target/release/byline`); initialize with the corpus as root
//! and wait for the `$/progress` end of background indexing (index time counted from spawn);
//! didOpen a sample of articles (didOpen → first publishDiagnostics); open a 2,000-word article
//! and type bursts of one-character incremental edits into it (last edit → publishDiagnostics
//! with a version ≥ the last one; the server's debounce is included, not subtracted), plus
//! isolated single keystrokes; hover, definition and references at sampled person-name
//! positions; `VmHWM` from `/proc/<pid>/status` for peak RSS; shutdown and exit.
//!
//! Every wait is bounded (`--timeout`, `--index-timeout`); writes to the server go through a
//! writer thread, so a server that stops reading its stdin cannot hang the bench. Messages are
//! timestamped by the reader thread as soon as their body has been read, before JSON parsing.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use byline_e2e::{file_uri, read_frame, repo_root, write_msg};
use serde_json::{json, Value};

const USAGE: &str = "\
usage: cargo bench -p byline-e2e --bench lsp -- [options]
  --articles N        corpus size (10000)
  --corpus DIR        use this makecorpus.py corpus instead of the cached one
  --cache DIR         where generated corpora are kept ($TMPDIR/byline-lspbench)
  --makecorpus PATH   makecorpus.py (../shared/lspbench/makecorpus.py beside the repo)
  --open N            articles opened, one at a time (200)
  --samples N         hover / definition / references requests each (500)
  --edits N           one-character edits per burst (100)
  --bursts N          keystroke bursts on the 2,000-word article (5)
  --singles N         isolated single keystrokes (20)
  --seed N            sampling seed (1)
  --timeout S         per-wait timeout in seconds (10)
  --index-timeout S   spawn → end of indexing timeout in seconds (600)
  --json PATH         also write the results as JSON
environment: BYLINE_BIN (default target/release/byline under the workspace root)";

struct Opts {
    articles: usize,
    corpus: Option<PathBuf>,
    cache: PathBuf,
    makecorpus: Option<PathBuf>,
    open: usize,
    samples: usize,
    edits: usize,
    bursts: usize,
    singles: usize,
    seed: u64,
    timeout: Duration,
    index_timeout: Duration,
    json: Option<PathBuf>,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        articles: 10_000,
        corpus: None,
        cache: std::env::temp_dir().join("byline-lspbench"),
        makecorpus: None,
        open: 200,
        samples: 500,
        edits: 100,
        bursts: 5,
        singles: 20,
        seed: 1,
        timeout: Duration::from_secs(10),
        index_timeout: Duration::from_secs(600),
        json: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--bench" {
            continue; // added by `cargo bench`
        }
        if a == "-h" || a == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        let num = |s: String| {
            s.parse::<u64>()
                .map_err(|_| format!("{a}: not a number: {s}"))
        };
        match a.as_str() {
            "--articles" => o.articles = num(val()?)? as usize,
            "--corpus" => o.corpus = Some(PathBuf::from(val()?)),
            "--cache" => o.cache = PathBuf::from(val()?),
            "--makecorpus" => o.makecorpus = Some(PathBuf::from(val()?)),
            "--open" => o.open = num(val()?)? as usize,
            "--samples" => o.samples = num(val()?)? as usize,
            "--edits" => o.edits = num(val()?)?.max(1) as usize,
            "--bursts" => o.bursts = num(val()?)? as usize,
            "--singles" => o.singles = num(val()?)? as usize,
            "--seed" => o.seed = num(val()?)?,
            "--timeout" => o.timeout = Duration::from_secs(num(val()?)?.max(1)),
            "--index-timeout" => o.index_timeout = Duration::from_secs(num(val()?)?.max(1)),
            "--json" => o.json = Some(PathBuf::from(val()?)),
            _ => return Err(format!("unknown argument {a:?}\n{USAGE}")),
        }
    }
    if o.articles == 0 {
        return Err("--articles must be at least 1".into());
    }
    Ok(o)
}

// -- corpus -----------------------------------------------------------------------------------

fn makecorpus_script(o: &Opts) -> PathBuf {
    o.makecorpus.clone().unwrap_or_else(|| {
        repo_root()
            .join("..")
            .join("shared")
            .join("lspbench")
            .join("makecorpus.py")
    })
}

/// Run makecorpus.py into `out` unless `out/manifest.json` (written last) already records the
/// same parameters.
fn makecorpus(o: &Opts, out: &Path, args: &[&str], want: &[(&str, Value)]) -> Result<(), String> {
    let manifest: Option<Value> = std::fs::read_to_string(out.join("manifest.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    if let Some(m) = &manifest {
        if m["generator_version"] == "1" && want.iter().all(|(k, v)| &m[*k] == v) {
            return Ok(());
        }
    }
    let script = makecorpus_script(o);
    if !script.is_file() {
        return Err(format!(
            "the corpus generator {} is missing: the bench needs the shared lspbench folder \
             beside the repo (../shared/lspbench), or --makecorpus PATH, or --corpus DIR",
            script.display()
        ));
    }
    if Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        return Err(
            "python3 is not available: it is needed to run makecorpus.py, which generates the \
             benchmark corpus (install python3, or pass --corpus DIR with an existing corpus)"
                .into(),
        );
    }
    eprintln!(
        "lspbench: generating {} with makecorpus.py …",
        out.display()
    );
    let status = Command::new("python3")
        .arg(&script)
        .arg(out)
        .args(args)
        .arg("--force")
        .status()
        .map_err(|e| format!("running python3 {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("makecorpus.py failed ({status})"));
    }
    Ok(())
}

fn articles_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            articles_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
            out.push(p);
        }
    }
}

/// Surnames of the corpus's invented officials (`officials.json`), for hover positions.
fn surnames(dir: &Path) -> Result<Vec<String>, String> {
    let path = dir.join("officials.json");
    let s = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (is this a makecorpus.py corpus?)", path.display()))?;
    let v: Value = serde_json::from_str(&s).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["surname"].as_str().map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

// -- positions --------------------------------------------------------------------------------

/// (line, UTF-16 column) of a byte offset.
fn position(text: &str, off: usize) -> (usize, usize) {
    let before = &text[..off];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..off].encode_utf16().count())
}

/// Byte offsets inside every whole-word occurrence of a surname (one character in, so the
/// position is within the name).
fn name_offsets(text: &str, names: &[String]) -> Vec<usize> {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    let mut out = Vec::new();
    for n in names {
        for (i, _) in text.match_indices(n.as_str()) {
            let before = text[..i].chars().next_back();
            let after = text[i + n.len()..].chars().next();
            if !word(before) && !word(after) {
                let first = n.chars().next().map_or(1, char::len_utf8);
                out.push(i + first);
            }
        }
    }
    out.sort_unstable();
    out
}

/// SplitMix64: deterministic sampling without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// `k` distinct indices below `n` (all of them when k ≥ n), in sampled order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            v.swap(i, j);
        }
        v.truncate(k);
        v
    }
}

// -- statistics -------------------------------------------------------------------------------

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let r = p / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (r.floor() as usize, r.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo as f64)
}

fn stats(samples: &[f64]) -> Value {
    if samples.is_empty() {
        return json!({"n": 0});
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    json!({
        "n": s.len(),
        "min": r(s[0]),
        "p50": r(pct(&s, 50.0)),
        "p95": r(pct(&s, 95.0)),
        "p99": r(pct(&s, 99.0)),
        "max": r(s[s.len() - 1]),
        "mean": r(s.iter().sum::<f64>() / s.len() as f64),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// -- the server process -----------------------------------------------------------------------

struct Server {
    child: Child,
    spawned: Instant,
    /// To the writer thread (which owns stdin); `None` after stdin was closed.
    tx: Option<Sender<Vec<u8>>>,
    /// From the reader thread: (time the body was read, message).
    rx: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Warnings and errors the server logged or showed, and protocol oddities.
    notes: Vec<String>,
    stderr_path: PathBuf,
    /// The server closed its stdout.
    gone: bool,
}

fn frame(v: &Value) -> Vec<u8> {
    let mut buf = Vec::new();
    write_msg(&mut buf, v).expect("write to a Vec");
    buf
}

/// The answer to a server→client request: nulls for `workspace/configuration` items, else null.
fn answer(req: &Value) -> Value {
    let result = if req["method"] == "workspace/configuration" {
        let n = req["params"]["items"].as_array().map_or(1, Vec::len);
        Value::Array(vec![Value::Null; n])
    } else {
        Value::Null
    };
    json!({"jsonrpc": "2.0", "id": req["id"], "result": result})
}

impl Server {
    fn spawn(bin: &Path) -> Result<Server, String> {
        let stderr_path = std::env::temp_dir().join(format!(
            "byline-lspbench-server-{}.stderr",
            std::process::id()
        ));
        let stderr = std::fs::File::create(&stderr_path)
            .map_err(|e| format!("{}: {e}", stderr_path.display()))?;
        let spawned = Instant::now();
        let mut child = Command::new(bin)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            // Handler times at debug level (`byline::timing`): the server-side figures.
            .env(
                "BYLINE_LOG",
                std::env::var("BYLINE_LOG").unwrap_or_else(|_| "warn,byline::timing=debug".into()),
            )
            .spawn()
            .map_err(|e| format!("spawning {} lsp: {e}", bin.display()))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, wrx) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            use std::io::Write;
            for buf in wrx {
                if stdin.write_all(&buf).and_then(|_| stdin.flush()).is_err() {
                    break;
                }
            }
        });
        let (mtx, rx) = mpsc::channel();
        let answer_tx = tx.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 20, stdout);
            while let Some(body) = read_frame(&mut r) {
                let at = Instant::now();
                let Ok(m) = serde_json::from_slice::<Value>(&body) else {
                    continue;
                };
                // Answer server→client requests at once, from this thread.
                if m.get("method").is_some() && m.get("id").is_some() {
                    let _ = answer_tx.send(frame(&answer(&m)));
                }
                if mtx.send((at, m)).is_err() {
                    break;
                }
            }
        });
        Ok(Server {
            child,
            spawned,
            tx: Some(tx),
            rx,
            next_id: 1,
            notes: Vec::new(),
            stderr_path,
            gone: false,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, v: &Value) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(frame(v));
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn note(&mut self, s: String) {
        if self.notes.len() < 100 {
            self.notes.push(s);
        }
    }

    /// Record what the server says about itself (warnings, errors).
    fn observe(&mut self, m: &Value) {
        let method = m["method"].as_str().unwrap_or("");
        if matches!(method, "window/logMessage" | "window/showMessage") {
            let typ = m["params"]["type"].as_i64().unwrap_or(4);
            if typ <= 2 {
                let msg = m["params"]["message"].as_str().unwrap_or("").to_string();
                self.note(format!("{method} (type {typ}): {msg}"));
            }
        }
    }

    /// The next message matching `pred` within `timeout`; others are observed and dropped.
    fn wait(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<(Instant, Value)> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((t, m)) => {
                    self.observe(&m);
                    if pred(&m) {
                        return Some((t, m));
                    }
                }
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    // The server closed its stdout: nothing more will come.
                    if !self.gone {
                        self.gone = true;
                        let status = self.child.try_wait().ok().flatten();
                        self.note(format!("server closed its stdout (exit status {status:?})"));
                    }
                    return None;
                }
            }
        }
    }

    /// Drain messages for `d` (lets late publishes settle between measurements).
    fn drain(&mut self, d: Duration) {
        let _ = self.wait(d, |_| false);
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// A request and its latency (request written → response body read).
    fn request(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<(f64, Value), String> {
        let id = self.next_id;
        self.next_id += 1;
        let sent = Instant::now();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let Some((at, m)) = self.wait(timeout, |m| m.get("method").is_none() && m["id"] == id)
        else {
            return Err(if self.gone {
                format!("{method}: no response (the server closed its stdout)")
            } else {
                format!("{method}: no response within {timeout:?}")
            });
        };
        if let Some(e) = m.get("error") {
            return Err(format!("{method}: error {e}"));
        }
        Ok((ms(at - sent), m["result"].clone()))
    }

    /// `(VmHWM, VmRSS)` in bytes.
    fn memory(&self) -> (u64, u64) {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let kib = |key: &str| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        (kib("VmHWM:"), kib("VmRSS:"))
    }

    /// User + system CPU seconds (USER_HZ = 100 on Linux).
    fn cpu_s(&self) -> f64 {
        let s = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (ticks(11) + ticks(12)) / 100.0
    }

    /// shutdown → exit → wait for the process; returns (shutdown ms, exit code or None if it
    /// had to be killed).
    fn shutdown(&mut self, timeout: Duration) -> (Option<f64>, Option<i32>) {
        let lat = match self.request("shutdown", Value::Null, timeout) {
            Ok((l, _)) => Some(l),
            Err(e) => {
                self.note(e);
                None
            }
        };
        self.notify("exit", Value::Null);
        self.tx = None; // closes stdin once the writer has flushed
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return (lat, s.code());
            }
            if Instant::now() > deadline {
                self.note(format!("server did not exit within {timeout:?}; killed"));
                let _ = self.child.kill();
                let _ = self.child.wait();
                return (lat, None);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Server-side handler times (ms) per request name, from the `byline::timing` log lines.
    fn handler_times(&self) -> BTreeMap<String, Vec<f64>> {
        let s = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for l in s.lines().filter(|l| l.contains("byline::timing")) {
            let field = |k: &str| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(k))
                    .map(|v| v.trim_matches('"').to_string())
            };
            if let (Some(req), Some(ms)) = (field("request="), field("ms=")) {
                if let Ok(ms) = ms.parse::<f64>() {
                    out.entry(req).or_default().push(ms);
                }
            }
        }
        out
    }

    fn stderr_tail(&self) -> String {
        let s = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Keep the server's stderr only when it said something besides handler times.
        let said = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        if said.lines().all(|l| l.contains("byline::timing")) {
            let _ = std::fs::remove_file(&self.stderr_path);
        } else {
            eprintln!("lspbench: server stderr in {}", self.stderr_path.display());
        }
    }
}

// -- the benchmark ----------------------------------------------------------------------------

fn byline_bin() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("BYLINE_BIN") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("BYLINE_BIN={} does not exist", p.display()))
        };
    }
    let mut tried = vec![repo_root().join("target").join("release").join("byline")];
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        tried.push(repo_root().join(t).join("release").join("byline"));
    }
    tried.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        format!(
            "no release byline binary at {}: run `cargo build --release -p byline` first, or \
             set BYLINE_BIN",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        )
    })
}

fn did_change(uri: &str, version: i64, line: usize, col: usize, text: &str) -> Value {
    json!({
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}},
            "text": text
        }]
    })
}

/// When diagnostics for `uri` at `version` or later arrived, if within `timeout`.
fn published_since(
    srv: &mut Server,
    uri: &str,
    version: i64,
    timeout: Duration,
) -> Option<Instant> {
    srv.wait(timeout, |m| {
        is_publish_for(m, uri)
            && m["params"]["version"]
                .as_i64()
                .is_some_and(|x| x >= version)
    })
    .map(|(at, _)| at)
}

fn is_publish_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn run(o: &Opts) -> Result<(Value, Vec<String>), String> {
    let mut errors: Vec<String> = Vec::new();
    // Corpus and the 2,000-word article.
    let dir = match &o.corpus {
        Some(d) => d.clone(),
        None => {
            let d = o.cache.join(format!("syn{}", o.articles));
            let n = o.articles.to_string();
            makecorpus(
                o,
                &d,
                &["--articles", &n],
                &[
                    ("articles", json!(o.articles)),
                    ("seed", json!("1")),
                    ("size_target", json!(4096)),
                ],
            )?;
            d
        }
    };
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    articles_under(&dir, &mut files);
    files.sort();
    if files.is_empty() {
        return Err(format!("no articles under {}", dir.display()));
    }
    let corpus_bytes: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let names = surnames(&dir)?;
    let long_dir = o.cache.join("long2000w");
    makecorpus(
        o,
        &long_dir,
        &["--articles", "1", "--size", "12600", "--seed", "long2000"],
        &[
            ("articles", json!(1)),
            ("seed", json!("long2000")),
            ("size_target", json!(12600)),
        ],
    )?;
    let long_text = std::fs::read_to_string(long_dir.join("article_000000.md"))
        .map_err(|e| format!("{}: {e}", long_dir.display()))?;
    let long_words = long_text.split_whitespace().count();
    let bin = byline_bin()?;
    eprintln!(
        "lspbench: {} articles ({:.1} MB) in {}; server {}",
        files.len(),
        corpus_bytes as f64 / 1e6,
        dir.display(),
        bin.display()
    );

    // Spawn, initialize, wait for indexing.
    let mut srv = Server::spawn(&bin)?;
    let root = file_uri(&dir);
    let before_init = ms(srv.spawned.elapsed());
    let init = srv.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "corpus"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true},
                "workspace": {"configuration": true, "workspaceFolders": true},
                "textDocument": {
                    "synchronization": {"didSave": true},
                    "publishDiagnostics": {"versionSupport": true},
                    "hover": {"contentFormat": ["markdown", "plaintext"]}
                }
            }
        }),
        Duration::from_secs(120),
    );
    let (init_ms, init_result) = match init {
        Ok(r) => r,
        Err(e) => return Err(format!("{e}\nserver stderr:\n{}", srv.stderr_tail())),
    };
    let init_ms = before_init + init_ms; // spawn → initialize response
    let server_version = init_result["serverInfo"]["version"].clone();
    srv.notify("initialized", json!({}));
    let end = srv.wait(o.index_timeout, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let Some((end_at, end_msg)) = end else {
        return Err(format!(
            "no `$/progress` end of indexing within {:?}\nserver stderr:\n{}",
            o.index_timeout,
            srv.stderr_tail()
        ));
    };
    let index_ms = ms(end_at - srv.spawned);
    let index_message = end_msg["params"]["value"]["message"].clone();
    let indexed: Option<usize> = index_message
        .as_str()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    if indexed != Some(files.len()) {
        errors.push(format!(
            "indexing reported {index_message} for {} articles",
            files.len()
        ));
    }
    let (hwm_index, rss_index) = srv.memory();
    let cpu_index = srv.cpu_s();
    eprintln!("lspbench: indexed in {index_ms:.0} ms ({index_message})");
    srv.drain(Duration::from_millis(200));

    // didOpen → first publishDiagnostics, one document at a time.
    let mut rng = Rng(o.seed);
    let picks = rng.sample(files.len(), o.open);
    let mut open_ms = Vec::new();
    let mut open_diags = 0usize;
    let mut open_timeouts = 0usize;
    let mut opened: Vec<(String, String)> = Vec::new();
    for &i in &picks {
        let path = &files[i];
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let uri = file_uri(path);
        let sent = Instant::now();
        srv.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        match srv.wait(o.timeout, |m| is_publish_for(m, &uri)) {
            Some((at, m)) => {
                open_ms.push(ms(at - sent));
                open_diags += m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            }
            None => {
                open_timeouts += 1;
                if (open_timeouts >= 3 && open_ms.is_empty()) || !srv.alive() {
                    errors.push("didOpen: no diagnostics at all; stopped opening".into());
                    break;
                }
            }
        }
        opened.push((uri, text));
    }
    if open_timeouts > 0 {
        errors.push(format!(
            "didOpen: {open_timeouts} documents had no diagnostics within {:?}",
            o.timeout
        ));
    }
    eprintln!("lspbench: opened {} documents", opened.len());
    let mem_open = srv.memory();

    // Keystrokes on the 2,000-word article (a new, unsaved article in the workspace).
    let long_uri = file_uri(&dir.join("lspbench-long-2000w.md"));
    let sent = Instant::now();
    srv.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": long_uri, "languageId": "markdown", "version": 1, "text": long_text}}),
    );
    let long_open_ms = match srv.wait(o.timeout, |m| is_publish_for(m, &long_uri)) {
        Some((at, _)) => Some(ms(at - sent)),
        None => {
            errors.push("didOpen of the 2,000-word article: no diagnostics".into());
            None
        }
    };
    // Type at the end of a paragraph line near the middle of the article.
    let lines: Vec<&str> = long_text.lines().collect();
    let mid = lines.len() / 2;
    let line = (mid..lines.len())
        .chain(0..mid)
        .find(|&l| lines[l].len() > 40 && !lines[l].starts_with('#'))
        .unwrap_or(0);
    let mut col = lines.get(line).map_or(0, |l| l.encode_utf16().count());
    let sentence: Vec<char> =
        " Officials said the talks would resume in the spring, according to the ministry."
            .chars()
            .collect();
    let mut typed = 0usize;
    let mut version = 1i64;
    let mut type_one = |srv: &mut Server, version: &mut i64| {
        let c = sentence[typed % sentence.len()];
        typed += 1;
        *version += 1;
        let s = c.to_string();
        srv.notify(
            "textDocument/didChange",
            did_change(&long_uri, *version, line, col, &s),
        );
        col += s.encode_utf16().count();
    };
    let mut burst_ms = Vec::new();
    let mut burst_timeouts = 0;
    for _ in 0..o.bursts {
        let mut last_sent = Instant::now();
        for _ in 0..o.edits {
            last_sent = Instant::now();
            type_one(&mut srv, &mut version);
        }
        let v = version;
        match published_since(&mut srv, &long_uri, v, o.timeout) {
            Some(at) => burst_ms.push(ms(at - last_sent)),
            None => {
                burst_timeouts += 1;
                errors.push(format!(
                    "keystroke burst: no diagnostics for version {v} within {:?}",
                    o.timeout
                ));
                if !srv.alive() {
                    break;
                }
            }
        }
        srv.drain(Duration::from_millis(300));
    }
    let mut single_ms = Vec::new();
    for _ in 0..o.singles {
        let sent = Instant::now();
        type_one(&mut srv, &mut version);
        let v = version;
        match published_since(&mut srv, &long_uri, v, o.timeout) {
            Some(at) => single_ms.push(ms(at - sent)),
            None => {
                errors.push(format!(
                    "single keystroke: no diagnostics for version {v} within {:?}",
                    o.timeout
                ));
                break;
            }
        }
        srv.drain(Duration::from_millis(50));
    }
    eprintln!("lspbench: typed {typed} characters");
    let mem_typed = srv.memory();

    // Hover, definition, references at sampled person-name positions in the open documents.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (doc, line, col)
    for (d, (_, text)) in opened.iter().enumerate() {
        for off in name_offsets(text, &names) {
            let (l, c) = position(text, off);
            candidates.push((d, l, c));
        }
    }
    let mut positions = Vec::new();
    if !candidates.is_empty() {
        let mut order = rng.sample(candidates.len(), o.samples);
        while order.len() < o.samples {
            order.push(rng.below(candidates.len())); // fewer names than samples: repeat some
        }
        positions = order.into_iter().map(|i| candidates[i]).collect();
    } else if o.samples > 0 {
        errors.push("no person names found in the opened documents".into());
    }
    let mut queries = serde_json::Map::new();
    let mut mem_queries = serde_json::Map::new();
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
    ] {
        let mut lat = Vec::new();
        let (mut nonempty, mut items, mut cross, mut errs, mut timeouts) =
            (0, 0usize, 0usize, 0, 0);
        let mut most = 0usize;
        let mut consecutive_timeouts = 0;
        let mut empty_examples: Vec<String> = Vec::new();
        for &(d, l, c) in &positions {
            let uri = &opened[d].0;
            let mut params = json!({
                "textDocument": {"uri": uri},
                "position": {"line": l, "character": c}
            });
            if method == "textDocument/references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            match srv.request(method, params, o.timeout) {
                Ok((t, r)) => {
                    consecutive_timeouts = 0;
                    lat.push(t);
                    let locs: Vec<&Value> = match &r {
                        Value::Array(a) => a.iter().collect(),
                        Value::Null => Vec::new(),
                        v => vec![v],
                    };
                    if !locs.is_empty() {
                        nonempty += 1;
                    } else if empty_examples.len() < 5 {
                        // Where a name got no answer: "file:line:col: text around it".
                        let text = &opened[d].1;
                        let line_text = text.lines().nth(l).unwrap_or("");
                        let units: Vec<u16> = line_text
                            .encode_utf16()
                            .skip(c.saturating_sub(30))
                            .take(60)
                            .collect();
                        let at = String::from_utf16_lossy(&units);
                        empty_examples.push(format!(
                            "{}:{}:{}: …{}…",
                            uri.rsplit('/').next().unwrap_or(uri),
                            l + 1,
                            c + 1,
                            at
                        ));
                    }
                    if method != "textDocument/hover" {
                        items += locs.len();
                        most = most.max(locs.len());
                        cross += locs
                            .iter()
                            .filter(|l| l["uri"].as_str().is_some_and(|u| u != uri))
                            .count();
                    }
                }
                Err(e) if e.contains("no response") => {
                    timeouts += 1;
                    consecutive_timeouts += 1;
                    if consecutive_timeouts >= 3 || !srv.alive() {
                        errors.push(format!("{method}: {e}; stopped after 3 timeouts"));
                        break;
                    }
                }
                Err(e) => {
                    errs += 1;
                    if errs <= 3 {
                        errors.push(e);
                    }
                }
            }
        }
        if timeouts > 0 {
            errors.push(format!("{method}: {timeouts} timeouts"));
        }
        let name = method.trim_start_matches("textDocument/");
        let mut s = stats(&lat);
        s["non_empty"] = json!(nonempty);
        s["errors"] = json!(errs);
        s["timeouts"] = json!(timeouts);
        s["empty_examples"] = json!(empty_examples);
        if method != "textDocument/hover" {
            s["locations_mean"] =
                json!((items as f64 / lat.len().max(1) as f64 * 10.0).round() / 10.0);
            s["locations_max"] = json!(most);
            s["cross_file_mean"] =
                json!((cross as f64 / lat.len().max(1) as f64 * 10.0).round() / 10.0);
        }
        queries.insert(name.to_string(), s);
        let (hwm, rss) = srv.memory();
        mem_queries.insert(name.to_string(), json!([hwm, rss]));
    }
    eprintln!("lspbench: {} positions queried", positions.len());

    // Memory, CPU, shutdown.
    let (hwm, rss) = srv.memory();
    let cpu = srv.cpu_s();
    let (shutdown_ms, code) = srv.shutdown(o.timeout);
    let handler: serde_json::Map<String, Value> = srv
        .handler_times()
        .into_iter()
        .map(|(k, v)| (k, stats(&v)))
        .collect();
    if code != Some(0) {
        errors.push(format!("unclean exit: {code:?}"));
    }
    let notes = std::mem::take(&mut srv.notes);
    let mib = |b: u64| (b as f64 / 1048576.0 * 10.0).round() / 10.0;
    let debounce_ms = byline::lsp::server::DEBOUNCE.as_millis() as u64;
    let result = json!({
        "bench": "byline-e2e lsp",
        "date_unix": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        "server": {"bin": bin.display().to_string(), "version": server_version},
        "machine": {"cpus": std::thread::available_parallelism().map_or(0, |n| n.get())},
        "corpus": {"dir": dir.display().to_string(), "articles": files.len(), "bytes": corpus_bytes},
        "options": {"open": o.open, "samples": o.samples, "edits": o.edits, "bursts": o.bursts,
                    "singles": o.singles, "seed": o.seed, "timeout_s": o.timeout.as_secs()},
        "init_ms": (init_ms * 1000.0).round() / 1000.0,
        "index": {
            "progress_end_ms": (index_ms * 10.0).round() / 10.0,
            "message": index_message,
            "peak_rss_mib": mib(hwm_index),
            "rss_mib": mib(rss_index),
            "cpu_s": cpu_index,
        },
        "open_diag_ms": stats(&open_ms),
        "open": {"docs": opened.len(), "timeouts": open_timeouts, "diagnostics": open_diags},
        "keystrokes": {
            "article_words": long_words,
            "article_bytes": long_text.len(),
            "open_diag_ms": long_open_ms,
            "debounce_ms": debounce_ms,
            "edits_per_burst": o.edits,
            "burst_last_edit_to_diag_ms": stats(&burst_ms),
            "burst_timeouts": burst_timeouts,
            "single_keystroke_to_diag_ms": stats(&single_ms),
        },
        "queries": queries,
        "server_side_ms": handler,
        "memory_mib": {
            "after_index": {"hwm": mib(hwm_index), "rss": mib(rss_index)},
            "after_open": {"hwm": mib(mem_open.0), "rss": mib(mem_open.1)},
            "after_keystrokes": {"hwm": mib(mem_typed.0), "rss": mib(mem_typed.1)},
            "after_hover": {"hwm": mib(mem_queries["hover"][0].as_u64().unwrap_or(0)), "rss": mib(mem_queries["hover"][1].as_u64().unwrap_or(0))},
            "after_definition": {"hwm": mib(mem_queries["definition"][0].as_u64().unwrap_or(0)), "rss": mib(mem_queries["definition"][1].as_u64().unwrap_or(0))},
            "after_references": {"hwm": mib(mem_queries["references"][0].as_u64().unwrap_or(0)), "rss": mib(mem_queries["references"][1].as_u64().unwrap_or(0))},
            "after_queries": {"hwm": mib(hwm), "rss": mib(rss)},
        },
        "peak_rss_mib": mib(hwm),
        "rss_mib": mib(rss),
        "rss_budget_mib": mib(2 * corpus_bytes + 100 * 1048576),
        "cpu_s": cpu,
        "shutdown": {"ms": shutdown_ms, "exit_code": code},
        "server_notes": notes,
        "errors": errors,
    });
    Ok((result, errors))
}

fn f(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) if x >= 10.0 => format!("{x:.1}"),
        Some(x) => format!("{x:.2}"),
        None => "–".into(),
    }
}

fn table(r: &Value) {
    let k = &r["keystrokes"];
    let q = &r["queries"];
    let burst = format!(
        "last of {} edits → diagnostics (incl. {} ms debounce)",
        k["edits_per_burst"], k["debounce_ms"]
    );
    let single = format!(
        "single keystroke → diagnostics (incl. {} ms debounce)",
        k["debounce_ms"]
    );
    let h = &r["server_side_ms"];
    let rows: [(String, &Value); 9] = [
        (
            "didOpen → diagnostics (4 KB article)".into(),
            &r["open_diag_ms"],
        ),
        (burst, &k["burst_last_edit_to_diag_ms"]),
        (single, &k["single_keystroke_to_diag_ms"]),
        ("hover".into(), &q["hover"]),
        ("definition".into(), &q["definition"]),
        ("references".into(), &q["references"]),
        ("hover, server side (handler time)".into(), &h["hover"]),
        ("definition, server side".into(), &h["definition"]),
        ("references, server side".into(), &h["references"]),
    ];
    println!(
        "\nbyline LSP bench: {} articles ({:.1} MB), server {} ({} CPUs)",
        r["corpus"]["articles"],
        r["corpus"]["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        r["server"]["version"].as_str().unwrap_or("?"),
        r["machine"]["cpus"]
    );
    println!(
        "  initialize {} ms; indexing done (spawn → $/progress end) {} ms: {}",
        f(&r["init_ms"]),
        f(&r["index"]["progress_end_ms"]),
        r["index"]["message"].as_str().unwrap_or("?")
    );
    println!(
        "  2,000-word article: {} words; its didOpen → diagnostics {} ms",
        k["article_words"],
        f(&k["open_diag_ms"])
    );
    println!(
        "\n  {:<58} {:>5} {:>8} {:>8} {:>8} {:>8}",
        "latency (ms)", "n", "p50", "p95", "p99", "max"
    );
    for (name, s) in &rows {
        println!(
            "  {:<58} {:>5} {:>8} {:>8} {:>8} {:>8}",
            name,
            s["n"],
            f(&s["p50"]),
            f(&s["p95"]),
            f(&s["p99"]),
            f(&s["max"])
        );
    }
    println!(
        "\n  hover non-empty {}/{}; definition non-empty {}/{}; references non-empty {}/{}, {} locations on average ({} in other files, at most {})",
        q["hover"]["non_empty"], q["hover"]["n"], q["definition"]["non_empty"], q["definition"]["n"],
        q["references"]["non_empty"], q["references"]["n"], q["references"]["locations_mean"],
        q["references"]["cross_file_mean"], q["references"]["locations_max"]
    );
    let m = &r["memory_mib"];
    println!(
        "  peak RSS (VmHWM) {} MiB (budget 2 × corpus + 100 MiB = {} MiB); VmHWM after indexing {}, \
         after opening {}, after typing {}, after hovers {}, after definitions {}, after references {} MiB; \
         VmRSS at the end {} MiB; CPU {} s",
        f(&r["peak_rss_mib"]),
        f(&r["rss_budget_mib"]),
        f(&m["after_index"]["hwm"]),
        f(&m["after_open"]["hwm"]),
        f(&m["after_keystrokes"]["hwm"]),
        f(&m["after_hover"]["hwm"]),
        f(&m["after_definition"]["hwm"]),
        f(&m["after_references"]["hwm"]),
        f(&r["rss_mib"]),
        f(&r["cpu_s"])
    );
    println!(
        "  shutdown {} ms, exit code {}",
        f(&r["shutdown"]["ms"]),
        r["shutdown"]["exit_code"]
    );
    for m in ["hover", "definition", "references"] {
        for e in q[m]["empty_examples"].as_array().into_iter().flatten() {
            println!("  {m} empty at {}", e.as_str().unwrap_or(""));
        }
    }
    for n in r["server_notes"].as_array().into_iter().flatten() {
        println!("  server: {}", n.as_str().unwrap_or(""));
    }
    for e in r["errors"].as_array().into_iter().flatten() {
        println!("  ERROR: {}", e.as_str().unwrap_or(""));
    }
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lspbench: {e}");
            std::process::exit(2);
        }
    };
    match run(&o) {
        Ok((result, errors)) => {
            table(&result);
            if let Some(p) = &o.json {
                let s = serde_json::to_string_pretty(&result).unwrap();
                if let Err(e) = std::fs::write(p, s + "\n") {
                    eprintln!("lspbench: writing {}: {e}", p.display());
                    std::process::exit(1);
                }
                eprintln!("lspbench: wrote {}", p.display());
            }
            if !errors.is_empty() {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("lspbench: error: {e}");
            std::process::exit(1);
        }
    }
}
