//! Test support: locate (or build) the real `byline` binary, copy the sample corpus, and a
//! minimal stdio LSP client that speaks Content-Length framed JSON-RPC like an editor.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `byline` binary under test: `$BYLINE_BIN`, else `target/debug/byline` built once with
/// the test-only `fault-injection` feature.
pub fn byline_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("BYLINE_BIN") {
            return PathBuf::from(p);
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target"));
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "-q",
                "-p",
                "byline",
                "--bin",
                "byline",
                "--features",
                "fault-injection",
            ])
            .current_dir(repo_root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building byline failed");
        target.join("debug").join("byline")
    })
    .clone()
}

pub fn corpus() -> PathBuf {
    repo_root().join("tests").join("corpus")
}

/// A fresh copy of the sample corpus in a temporary directory (for tests that edit files).
pub fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&corpus(), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

pub fn file_uri(p: &Path) -> String {
    url::Url::from_file_path(p).unwrap().to_string()
}

pub fn uri_to_path(u: &str) -> PathBuf {
    url::Url::parse(u).unwrap().to_file_path().unwrap()
}

/// Run the CLI; returns (exit code, stdout, stderr).
pub fn run_cli(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(byline_bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run byline");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A JSON-RPC message read from the server.
pub type Msg = Value;

/// A stdio LSP client driving `byline lsp`.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Msg>,
    /// Every message received so far (notifications included), in order.
    pub log: Arc<Mutex<Vec<Msg>>>,
    next_id: i64,
    /// Answer server→client requests automatically (progress create, registerCapability).
    pub auto_answer: bool,
    /// Responses that arrived while waiting for another one (they can come out of order).
    stash: Vec<Msg>,
    /// Notifications that arrived while waiting for a response, for later `wait_for`s.
    notes: Vec<Msg>,
    /// While set, the reader thread stops reading the server's stdout (a client that does
    /// not read; at most the message being read when it was set still arrives).
    paused: Arc<AtomicBool>,
}

pub fn write_msg(w: &mut impl Write, v: &Value) -> std::io::Result<()> {
    let body = serde_json::to_string(v).unwrap();
    write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body)?;
    w.flush()
}

/// One Content-Length framed message body; `None` at end of stream or on a broken frame.
pub fn read_frame(r: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0u8; len?];
    r.read_exact(&mut buf).ok()?;
    Some(buf)
}

fn read_msg(r: &mut impl BufRead) -> Option<Value> {
    serde_json::from_slice(&read_frame(r)?).ok()
}

impl Client {
    pub fn spawn(args: &[&str]) -> Client {
        let mut child = Command::new(byline_bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("BYLINE_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("spawn byline lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        let paused = Arc::new(AtomicBool::new(false));
        let paused2 = paused.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                while paused2.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                let Some(m) = read_msg(&mut r) else { break };
                log2.lock().unwrap().push(m.clone());
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            log,
            next_id: 1,
            auto_answer: true,
            stash: Vec::new(),
            notes: Vec::new(),
            paused,
        }
    }

    /// Stop reading the server's output (see `paused`).
    pub fn pause_reading(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume_reading(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    /// The server's process id (for `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Hand the server's stdin to another thread (writes that may block); `give_stdin`
    /// returns it.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    pub fn give_stdin(&mut self, stdin: ChildStdin) {
        self.stdin = Some(stdin);
    }

    /// Allocate `n` request ids for requests sent by another thread.
    pub fn reserve_ids(&mut self, n: i64) -> std::ops::Range<i64> {
        let first = self.next_id;
        self.next_id += n;
        first..self.next_id
    }

    pub fn send(&mut self, v: &Value) {
        if let Some(w) = self.stdin.as_mut() {
            let _ = write_msg(w, v);
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(w) = self.stdin.as_mut() {
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and return its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Next message, answering server→client requests on the way.
    pub fn recv(&mut self, timeout: Duration) -> Option<Msg> {
        match self.rx.recv_timeout(timeout) {
            Ok(m) => {
                if self.auto_answer && m.get("method").is_some() && m.get("id").is_some() {
                    let id = m["id"].clone();
                    self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                }
                Some(m)
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Wait for the response to request `id`.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Msg {
        if let Some(i) = self
            .stash
            .iter()
            .position(|m| m.get("id") == Some(&json!(id)))
        {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .recv(left)
                .unwrap_or_else(|| panic!("no response to request {id} within {timeout:?}"));
            if m.get("method").is_none() && m.get("id").is_some() {
                if m.get("id") == Some(&json!(id)) {
                    return m;
                }
                self.stash.push(m);
            } else if m.get("id").is_none() {
                self.notes.push(m);
            }
        }
    }

    /// Request and wait (10 s); returns the `result` (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let r = self.response(id, Duration::from_secs(10));
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Wait for a notification matching `pred`.
    pub fn wait_for(
        &mut self,
        method: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.notes.iter().position(|m| {
            m.get("method").and_then(Value::as_str) == Some(method) && pred(&m["params"])
        }) {
            let m = self.notes.remove(i);
            return Some(m["params"].clone());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let m = self.recv(left)?;
            if m.get("method").and_then(Value::as_str) == Some(method) && pred(&m["params"]) {
                return Some(m["params"].clone());
            }
        }
    }

    /// initialize + initialized with a workspace root and client capabilities.
    pub fn initialize(&mut self, root: &Path, encodings: &[&str], extra: Value) -> Value {
        let mut params = json!({
            "processId": std::process::id(),
            "rootUri": file_uri(root),
            "workspaceFolders": [{"uri": file_uri(root), "name": "news"}],
            "capabilities": {
                "general": {"positionEncodings": encodings},
                "window": {"workDoneProgress": true},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "workspaceFolders": true},
                "textDocument": {"publishDiagnostics": {"versionSupport": true}, "hover": {"contentFormat": ["markdown"]}}
            }
        });
        if let Value::Object(m) = extra {
            for (k, v) in m {
                params[k] = v;
            }
        }
        let r = self.request("initialize", params);
        self.notify("initialized", json!({}));
        r
    }

    /// Wait until background indexing has reported its `end` progress.
    pub fn wait_indexed(&mut self) {
        let done = self.wait_for("$/progress", Duration::from_secs(30), |p| {
            p["value"]["kind"] == "end"
        });
        assert!(done.is_some(), "indexing never finished");
    }

    pub fn open(&mut self, path: &Path, language: &str) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        let uri = file_uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    pub fn shutdown(mut self) -> i32 {
        let id = self.request_async("shutdown", json!(null));
        let _ = self.response(id, Duration::from_secs(10));
        self.notify("exit", json!(null));
        drop(self.stdin.take());
        self.wait_exit(Duration::from_secs(10))
    }

    /// Wait for the process to exit; returns its code (-1 if it had to be killed).
    pub fn wait_exit(&mut self, timeout: Duration) -> i32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return -1;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn close_stdin(&mut self) {
        drop(self.stdin.take());
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Position (line, UTF-16 character) of the first occurrence of `needle` in `text`, plus
/// `delta` characters.
pub fn pos_of(text: &str, needle: &str, delta: usize) -> Value {
    let off = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..off];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let ch = text[line_start..off].encode_utf16().count() + delta;
    json!({"line": line, "character": ch})
}
