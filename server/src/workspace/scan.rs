//! Finding article files under a root: `.gitignore`/`.ignore`-aware (via `ignore`), include and
//! exclude globs from the settings, size limit, UTF-8 and binary checks. Never follows a
//! symlink (so never leaves the root). Reading and analysis run in parallel.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::{ScanReport, Workspace};
use crate::config::Settings;

/// Why a file was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    TooLarge { size: u64, limit: u64 },
    NotUtf8,
    Binary,
    Unreadable(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::TooLarge { size, limit } => write!(
                f,
                "file is {:.1} MiB, over the {:.1} MiB limit (`max-file-size` in byline.toml)",
                *size as f64 / 1048576.0,
                *limit as f64 / 1048576.0
            ),
            Skip::NotUtf8 => write!(f, "file is not valid UTF-8; save it as UTF-8 to check it"),
            Skip::Binary => write!(f, "file looks binary (contains NUL bytes)"),
            Skip::Unreadable(e) => write!(f, "cannot read file: {e}"),
        }
    }
}

/// Compiled include/exclude globs for one root.
pub struct Filter {
    include: GlobSet,
    exclude: GlobSet,
}

fn globset(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // A glob without a slash matches at any depth, like .gitignore.
        let pat = if g.contains('/') || g.starts_with("**") {
            g.clone()
        } else {
            format!("**/{g}")
        };
        if let Ok(glob) = Glob::new(&pat) {
            b.add(glob);
        }
        // "archive/**" should also match the directory "archive" itself.
        if let Some(dir) = pat.strip_suffix("/**") {
            if let Ok(glob) = Glob::new(dir) {
                b.add(glob);
            }
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl Filter {
    pub fn new(settings: &Settings) -> Filter {
        Filter {
            include: globset(&settings.include),
            exclude: globset(&settings.exclude),
        }
    }

    /// Whether a file (path relative to the root) is an article to analyse.
    pub fn wants_file(&self, rel: &Path) -> bool {
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }

    /// Whether to descend into a directory (path relative to the root).
    pub fn wants_dir(&self, rel: &Path) -> bool {
        !self.exclude.is_match(rel)
    }
}

/// Read a file as article text, applying the size limit and the UTF-8/binary checks.
pub fn read_article(path: &Path, limit: u64) -> Result<String, Skip> {
    let meta = std::fs::metadata(path).map_err(|e| Skip::Unreadable(e.to_string()))?;
    if meta.len() > limit {
        return Err(Skip::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Skip::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(Skip::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    if bytes.contains(&0) {
        return Err(Skip::Binary);
    }
    String::from_utf8(bytes).map_err(|_| Skip::NotUtf8)
}

/// List article files under `root` (a directory) or the file itself.
pub fn list_articles(root: &Path, settings: &Settings) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let filter = Arc::new(Filter::new(settings));
    let root_owned = root.to_path_buf();
    let mut out = Vec::new();
    let f2 = filter.clone();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(false)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .require_git(false)
        .filter_entry(move |e| {
            let rel = e.path().strip_prefix(&root_owned).unwrap_or(e.path());
            if e.file_type().is_some_and(|t| t.is_dir()) {
                rel.as_os_str().is_empty() || f2.wants_dir(rel)
            } else {
                true
            }
        })
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue; // symlinks are not followed, directories are walked
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if filter.wants_file(rel) {
            out.push(entry.into_path());
        }
    }
    out.sort();
    out
}

impl Workspace {
    /// Index every article under the workspace roots (or the given paths). `progress` is
    /// called with (done, total) from worker threads. Returns what was indexed and skipped.
    pub fn scan(&self, paths: &[PathBuf], progress: &(dyn Fn(usize, usize) + Sync)) -> ScanReport {
        let mut files: Vec<PathBuf> = Vec::new();
        for p in paths {
            let p = super::normalize(p);
            let cfg = self.config_for(&p);
            files.extend(list_articles(&p, &cfg.settings));
        }
        files.sort();
        files.dedup();
        let report = self.index_files(&files, progress);
        self.relink_events();
        report
    }

    /// Read and index the given files in parallel.
    pub fn index_files(
        &self,
        files: &[PathBuf],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> ScanReport {
        let total = files.len();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let skipped = Mutex::new(Vec::new());
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .min(total.max(1));
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let limit = self.config_for(path).settings.max_file_size;
                    match read_article(path, limit) {
                        Ok(text) => {
                            self.upsert_disk(path, Arc::from(text));
                        }
                        Err(skip) => skipped
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((path.clone(), skip.to_string())),
                    }
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(d, total);
                });
            }
        });
        let mut skipped = skipped.into_inner().unwrap_or_else(|e| e.into_inner());
        skipped.sort();
        ScanReport {
            files: total - skipped.len(),
            skipped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, content: &[u8]) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    #[test]
    fn ignore_rules_globs_and_skips() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "a.md", b"Ryabkov said.");
        write(root, "b.txt", b"Plain.");
        write(root, "c.rs", b"fn main() {}");
        write(root, "archive/old.md", b"Old.");
        write(root, "ignored/x.md", b"Ignored.");
        write(root, "sub/y.markdown", b"Y.");
        write(root, ".ignore", b"ignored/\n");
        write(root, "bad.md", &[0xff, 0xfe, b'a']);
        write(root, "bin.txt", &[b'a', 0, b'b']);
        write(root, "big.md", &vec![b'a'; 2000]);
        let settings = Settings {
            exclude: vec!["archive/**".into()],
            max_file_size: 1000,
            ..Settings::default()
        };
        let files = list_articles(root, &settings);
        let rel: Vec<String> = files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            rel,
            vec![
                "a.md",
                "b.txt",
                "bad.md",
                "big.md",
                "bin.txt",
                "sub/y.markdown"
            ]
        );
        assert_eq!(read_article(&root.join("bad.md"), 1000), Err(Skip::NotUtf8));
        assert_eq!(read_article(&root.join("bin.txt"), 1000), Err(Skip::Binary));
        assert!(matches!(
            read_article(&root.join("big.md"), 1000),
            Err(Skip::TooLarge { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.md", b"Outside.");
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "in.md", b"Inside.");
        std::os::unix::fs::symlink(outside.path(), d.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), d.path().join("s.md"))
            .unwrap();
        let files = list_articles(d.path(), &Settings::default());
        assert_eq!(files, vec![d.path().join("in.md")]);
    }
}
