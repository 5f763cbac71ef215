//! `byline check` and `byline index`: walk paths, run the same workspace analysis the server
//! runs (no protocol in between), render results as human text, JSON or SARIF.
//!
//! Contract: results on stdout, errors on stderr. Exit codes: 0 no finding at or above
//! `--fail-on`, 1 findings, 2 usage or I/O error. Paths in output are as given on the command
//! line (relative stays relative), joined with the file's path inside a given folder; output
//! is sorted by path, then position.

pub mod human;
pub mod index;
pub mod sarif;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use crate::analysis::{Finding, Severity};
use crate::config::{self, ConfigProblem};
use crate::lsp::convert::{self, Text};
use crate::lsp::position::Encoding;
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Information,
    Hint,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Information => Some(Severity::Information),
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Never => None,
        }
    }
}

/// A usage or I/O error: printed on stderr, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}: no such file or directory")]
    Missing(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// One file's results, ready to render.
pub struct FileReport {
    /// Path as displayed (relative as given).
    pub display: String,
    pub abs: PathBuf,
    pub text: Arc<str>,
    pub findings: Vec<Finding>,
    /// Config problems (only for `byline.toml` entries).
    pub config_problems: Vec<ConfigProblem>,
}

impl FileReport {
    pub fn severities(&self) -> impl Iterator<Item = Severity> + '_ {
        self.findings
            .iter()
            .map(|f| f.severity)
            .chain(self.config_problems.iter().map(|p| p.severity))
    }
}

/// A loaded set of paths: the workspace and how to display each file's path.
pub struct Loaded {
    pub workspace: Workspace,
    /// (given path as typed, its absolute form)
    pub given: Vec<(String, PathBuf)>,
    pub skipped: Vec<(PathBuf, String)>,
    pub configs: Vec<(PathBuf, Vec<ConfigProblem>)>,
}

impl Loaded {
    /// Display form of an absolute file path: the given path it lies under, joined with the
    /// rest of its path.
    pub fn display(&self, abs: &Path) -> String {
        let mut best: Option<(&str, &PathBuf)> = None;
        for (g, a) in &self.given {
            if abs.starts_with(a)
                && best.is_none_or(|(_, b)| a.as_os_str().len() > b.as_os_str().len())
            {
                best = Some((g, a));
            }
        }
        match best {
            Some((g, a)) if abs == a => g.to_string(),
            Some((g, a)) => {
                let rest = abs.strip_prefix(a).unwrap_or(abs);
                let joined = Path::new(g).join(rest);
                joined.to_string_lossy().replace('\\', "/")
            }
            None => abs.to_string_lossy().into_owned(),
        }
    }
}

/// Load paths into a workspace: find each path's `byline.toml` (from the path upward, else
/// from the current directory upward), then index all articles.
pub fn load(paths: &[String]) -> Result<Loaded, CliError> {
    let ws = Workspace::new();
    let cwd = std::env::current_dir().map_err(|e| CliError::Io {
        path: ".".into(),
        message: e.to_string(),
    })?;
    let mut given = Vec::new();
    let mut configs = Vec::new();
    for p in paths {
        let abs = crate::workspace::normalize(Path::new(p));
        if !abs.exists() {
            return Err(CliError::Missing(p.clone()));
        }
        let start = if abs.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
        };
        let cfg = config::find_upwards(&start).or_else(|| config::find_upwards(&cwd));
        let root = cfg
            .as_ref()
            .and_then(|c| c.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| start.clone());
        if !ws.roots().contains(&root) {
            let problems = ws.add_root(&root);
            if let Some(c) = cfg {
                configs.push((c, problems));
            }
        }
        given.push((p.clone(), abs));
    }
    let abs_paths: Vec<PathBuf> = given.iter().map(|(_, a)| a.clone()).collect();
    let report = ws.scan(&abs_paths, &|_, _| {});
    Ok(Loaded {
        workspace: ws,
        given,
        skipped: report.skipped,
        configs,
    })
}

/// Collect every file's findings, sorted by displayed path.
pub fn reports(loaded: &Loaded) -> Vec<FileReport> {
    let files = loaded.workspace.all_files();
    let mut out = par_map(&files, |f| FileReport {
        display: loaded.display(&f.path),
        abs: f.path.to_path_buf(),
        text: f.text.clone(),
        findings: loaded.workspace.diagnostics(f.id),
        config_problems: Vec::new(),
    });
    for (path, problems) in &loaded.configs {
        if problems.is_empty() {
            continue;
        }
        let text: Arc<str> = std::fs::read_to_string(path).unwrap_or_default().into();
        out.push(FileReport {
            display: loaded.display(path),
            abs: path.clone(),
            text,
            findings: Vec::new(),
            config_problems: problems.clone(),
        });
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

/// `items.iter().map(f).collect()` on every core, in order (scoped threads, one chunk each).
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// `byline check`. Returns the exit code.
pub fn check(
    paths: &[String],
    format: Format,
    fail_on: FailOn,
    color: bool,
) -> Result<i32, CliError> {
    let loaded = load(paths)?;
    for (p, why) in &loaded.skipped {
        eprintln!("byline: skipped {}: {why}", loaded.display(p));
    }
    let reports = reports(&loaded);
    let stdout = std::io::stdout();
    // Block-buffered: a locked stdout flushes at every newline, one syscall per JSON line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let res = match format {
        Format::Human => human::render(&mut out, &reports, color),
        Format::Json => write_check_json(&mut out, &reports),
        Format::Sarif => sarif::render(&mut out, &reports),
    }
    .and_then(|_| std::io::Write::flush(&mut out));
    if let Err(e) = res {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(CliError::Io {
                path: "<stdout>".into(),
                message: e.to_string(),
            });
        }
    }
    let failing = fail_on.threshold().is_some_and(|t| {
        reports
            .iter()
            .flat_map(FileReport::severities)
            .any(|s| s <= t)
    });
    Ok(i32::from(failing))
}

/// The JSON contract of `byline check --format json`.
/// One file's entry in the `check` JSON: its display path and LSP diagnostics.
fn file_json(r: &FileReport) -> serde_json::Value {
    let t = Text::new(&r.text, Encoding::Utf16);
    let uri = convert::path_to_uri(&r.abs);
    let mut diags: Vec<serde_json::Value> = r
        .findings
        .iter()
        .map(|f| serde_json::to_value(convert::diagnostic(&t, uri.as_ref(), f)).unwrap_or_default())
        .collect();
    diags.extend(
        r.config_problems
            .iter()
            .map(|p| serde_json::to_value(convert::config_diagnostic(&t, p)).unwrap_or_default()),
    );
    json!({"path": r.display, "diagnostics": diags})
}

/// The `check --format json` document, streamed: each file is serialised on its own (on every core), so a folder with
/// 200,000 findings never holds one JSON tree of all of them.
fn write_check_json(out: &mut impl std::io::Write, reports: &[FileReport]) -> std::io::Result<()> {
    let parts = par_map(reports, |r| serde_json::to_string(&file_json(r)));
    out.write_all(b"{\"version\":1,\"files\":[")?;
    for (k, part) in parts.into_iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        out.write_all(part.map_err(std::io::Error::other)?.as_bytes())?;
    }
    out.write_all(b"\n]}\n")
}

/// Counts by severity: (errors, warnings, information, hints).
pub fn counts(reports: &[FileReport]) -> [usize; 4] {
    let mut c = [0usize; 4];
    for s in reports.iter().flat_map(FileReport::severities) {
        c[s.lsp_number() as usize - 1] += 1;
    }
    c
}
