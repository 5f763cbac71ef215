//! Server state, lifecycle, document sync, debounced diagnostics and background indexing.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use super::convert::{self, Text};
use super::position::{rope_offset, Encoding};
use crate::config;
use crate::workspace::{FileEntry, Workspace};

/// Debounce for edits (didOpen publishes at once).
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// An open document: the editor's text, authoritative over disk.
#[derive(Debug)]
pub struct OpenDoc {
    pub rope: Rope,
    pub version: i32,
    pub path: PathBuf,
}

/// Shared server state. Per-file state lives in `DashMap`s; no global lock around analysis.
pub struct State {
    pub client: Client,
    pub ws: Workspace,
    pub docs: DashMap<String, OpenDoc>,
    /// URI string of documents that are not files (untitled buffers), by synthetic path.
    pub virtual_uris: DashMap<PathBuf, Uri>,
    encoding: AtomicU8,
    /// Per-URI edit generation, for debouncing.
    generation: DashMap<String, u64>,
    /// Hash of the last diagnostics published per URI.
    published: DashMap<String, u64>,
    pub shutting_down: AtomicBool,
    pub indexing_done: AtomicBool,
    progress_ids: AtomicU64,
    pub caps: std::sync::RwLock<ClientCaps>,
    /// `file://` URI per file id (ids are stable per path): references list thousands.
    file_uris: DashMap<u32, Uri>,
}

#[derive(Debug, Default, Clone)]
pub struct ClientCaps {
    pub work_done_progress: bool,
    pub watched_files_dynamic: bool,
    pub roots: Vec<PathBuf>,
    pub init_options: Option<serde_json::Value>,
}

impl State {
    pub fn new(client: Client) -> Self {
        State {
            client,
            ws: {
                let ws = Workspace::new();
                ws.set_compact_disk_files(true);
                ws
            },
            docs: DashMap::new(),
            virtual_uris: DashMap::new(),
            encoding: AtomicU8::new(16),
            generation: DashMap::new(),
            published: DashMap::new(),
            shutting_down: AtomicBool::new(false),
            indexing_done: AtomicBool::new(false),
            progress_ids: AtomicU64::new(0),
            caps: Default::default(),
            file_uris: DashMap::new(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        if self.encoding.load(Ordering::Relaxed) == 8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn set_encoding(&self, e: Encoding) {
        self.encoding
            .store(if e == Encoding::Utf8 { 8 } else { 16 }, Ordering::Relaxed);
    }

    /// The workspace path for a URI: the file path, or a synthetic path for other schemes.
    pub fn path_of(&self, uri: &Uri) -> PathBuf {
        match convert::uri_to_path(uri) {
            Some(p) => crate::workspace::normalize(&p),
            None => {
                let mut h = DefaultHasher::new();
                uri.as_str().hash(&mut h);
                let p = PathBuf::from(format!("/byline-virtual/{:016x}", h.finish()));
                self.virtual_uris.insert(p.clone(), uri.clone());
                p
            }
        }
    }

    /// The URI for a workspace path (inverse of `path_of`).
    /// `uri_of` for a workspace file, cached by its id.
    pub fn uri_of_file(&self, id: u32, path: &Path) -> Option<Uri> {
        if let Some(u) = self.file_uris.get(&id) {
            return Some(u.clone());
        }
        let u = self.uri_of(path)?;
        if !self.virtual_uris.contains_key(path) {
            self.file_uris.insert(id, u.clone());
        }
        Some(u)
    }

    pub fn uri_of(&self, path: &Path) -> Option<Uri> {
        if let Some(u) = self.virtual_uris.get(path) {
            return Some(u.clone());
        }
        convert::path_to_uri(path)
    }

    /// Bring an open document's analysis up to date with its text now (used by requests, so
    /// they never answer from a stale analysis while an edit's debounce is pending).
    pub async fn fresh_entry(self: &Arc<Self>, uri: &Uri) -> Option<Arc<FileEntry>> {
        let key = uri.as_str().to_string();
        let (path, version) = {
            let d = self.docs.get(&key)?;
            (d.path.clone(), d.version)
        };
        if let Some(e) = self.ws.file_by_path(&path) {
            if e.version == Some(version) {
                return Some(e);
            }
        }
        self.analyze_open(&key).await;
        self.ws.file_by_path(&path)
    }

    /// The stored entry for a URI (open or from disk), made fresh if open.
    pub async fn entry(self: &Arc<Self>, uri: &Uri) -> Option<Arc<FileEntry>> {
        if self.docs.contains_key(uri.as_str()) {
            return self.fresh_entry(uri).await;
        }
        let path = convert::uri_to_path(uri).map(|p| crate::workspace::normalize(&p))?;
        self.ws.file_by_path(&path)
    }

    /// Analyse the current text of an open document on a blocking thread and store it.
    /// Returns false when the document is gone or a newer version was stored meanwhile.
    pub async fn analyze_open(self: &Arc<Self>, key: &str) -> bool {
        let Some((text, version, path)) = self.docs.get(key).map(|d| {
            (
                Arc::<str>::from(d.rope.to_string()),
                d.version,
                d.path.clone(),
            )
        }) else {
            return false;
        };
        let limit = self.ws.config_for(&path).settings.max_file_size;
        if text.len() as u64 > limit {
            // Like oversized files on disk: keep the text (edits still apply), skip analysis.
            self.client
                .log_message(
                    MessageType::WARNING,
                    format!(
                        "byline: {} is {:.1} MiB, over the {:.1} MiB limit (`max-file-size`); not analysed",
                        path.display(),
                        text.len() as f64 / 1048576.0,
                        limit as f64 / 1048576.0
                    ),
                )
                .await;
            let empty = Arc::new(crate::analysis::FileAnalysis::default());
            return self.ws.store_open(&path, text, empty, version).is_some();
        }
        let this = self.clone();
        let res = tokio::task::spawn_blocking(move || {
            let analysis = Arc::new(this.ws.analyze(&path, &text));
            this.ws.store_open(&path, text, analysis, version).is_some()
        })
        .await;
        match res {
            Ok(stored) => stored,
            Err(e) => {
                tracing::error!("analysis of {key} failed: {e}");
                false
            }
        }
    }

    /// Publish diagnostics for an open document. `force` publishes even when unchanged (after
    /// the document's own edit, so the client sees diagnostics for its current version).
    pub async fn publish(self: &Arc<Self>, uri: &Uri, force: bool) {
        let key = uri.as_str().to_string();
        let Some(path) = self.docs.get(&key).map(|d| d.path.clone()) else {
            return;
        };
        let Some(entry) = self.ws.file_by_path(&path) else {
            return;
        };
        let enc = self.encoding();
        let this = self.clone();
        let e2 = entry.clone();
        let u2 = uri.clone();
        let diags = tokio::task::spawn_blocking(move || {
            let t = Text::new(&e2.text, enc);
            let mut d: Vec<Diagnostic> = this
                .ws
                .diagnostics(e2.id)
                .iter()
                .map(|f| convert::diagnostic(&t, Some(&u2), f))
                .collect();
            // A byline.toml opened in the editor gets its config problems.
            if e2.path.file_name().is_some_and(|n| n == config::FILE_NAME) {
                let parsed = config::parse(&e2.text);
                d.extend(
                    parsed
                        .problems
                        .iter()
                        .map(|p| convert::config_diagnostic(&t, p)),
                );
            }
            d
        })
        .await
        .unwrap_or_default();
        let hash = {
            let mut h = DefaultHasher::new();
            serde_json::to_string(&diags)
                .unwrap_or_default()
                .hash(&mut h);
            h.finish()
        };
        let changed = self.published.get(&key).is_none_or(|h| *h != hash);
        if !changed && !force {
            return;
        }
        // Never publish for a version older than the editor's current one.
        let current = self.docs.get(&key).map(|d| d.version);
        if current.is_some_and(|v| entry.version.is_some_and(|ev| ev < v)) {
            return;
        }
        self.published.insert(key, hash);
        self.client
            .publish_diagnostics(uri.clone(), diags, entry.version)
            .await;
    }

    /// Re-publish every open document whose diagnostics changed (after indexing or a
    /// configuration change).
    pub async fn republish_open(self: &Arc<Self>) {
        let uris: Vec<String> = self.docs.iter().map(|d| d.key().clone()).collect();
        for u in uris {
            if let Ok(uri) = Uri::from_str(&u) {
                self.publish(&uri, false).await;
            }
        }
    }

    // -- document sync --------------------------------------------------------------------

    /// didOpen: store the text synchronously; analysis and the first publish follow at once.
    pub fn open(&self, params: &DidOpenTextDocumentParams) -> String {
        let uri = &params.text_document.uri;
        let path = self.path_of(uri);
        let key = uri.as_str().to_string();
        self.docs.insert(
            key.clone(),
            OpenDoc {
                rope: Rope::from_str(&params.text_document.text),
                version: params.text_document.version,
                path,
            },
        );
        self.generation
            .entry(key.clone())
            .and_modify(|g| *g += 1)
            .or_insert(0);
        key
    }

    /// didChange: apply every change in order, synchronously. Returns the new generation.
    pub fn change(&self, params: &DidChangeTextDocumentParams) -> Option<u64> {
        let key = params.text_document.uri.as_str().to_string();
        let enc = self.encoding();
        {
            let Some(mut doc) = self.docs.get_mut(&key) else {
                tracing::warn!("didChange for a document that is not open: {key}");
                return None;
            };
            for ch in &params.content_changes {
                match ch.range {
                    Some(r) => {
                        let mut s = rope_offset(&doc.rope, r.start, enc);
                        let mut e = rope_offset(&doc.rope, r.end, enc);
                        if e < s {
                            std::mem::swap(&mut s, &mut e);
                        }
                        doc.rope.remove(s..e);
                        doc.rope.insert(s, &ch.text);
                    }
                    None => doc.rope = Rope::from_str(&ch.text),
                }
            }
            doc.version = params.text_document.version;
        }
        let mut g = self.generation.entry(key).or_insert(0);
        *g += 1;
        Some(*g)
    }

    pub fn generation(&self, key: &str) -> u64 {
        self.generation.get(key).map_or(0, |g| *g)
    }

    pub fn close(&self, uri: &Uri) -> Option<PathBuf> {
        let key = uri.as_str();
        let (_, doc) = self.docs.remove(key)?;
        self.generation.remove(key);
        self.published.remove(key);
        self.ws.close(&doc.path);
        Some(doc.path)
    }

    pub fn next_progress_token(&self) -> NumberOrString {
        let n = self.progress_ids.fetch_add(1, Ordering::Relaxed);
        NumberOrString::String(format!("byline-progress-{n}"))
    }
}

/// Read a file from disk into the workspace (or drop it if gone / not an article any more).
pub fn reload_from_disk(ws: &Workspace, path: &Path) -> std::result::Result<(), String> {
    let cfg = ws.config_for(path);
    let Some(root) = ws.root_of(path) else {
        return Ok(());
    };
    let rel = path.strip_prefix(&root).unwrap_or(path);
    let filter = crate::workspace::scan::Filter::new(&cfg.settings);
    if !path.exists() || !filter.wants_file(rel) {
        ws.remove(path);
        return Ok(());
    }
    match crate::workspace::scan::read_article(path, cfg.settings.max_file_size) {
        Ok(text) => {
            ws.upsert_disk(path, Arc::from(text));
            Ok(())
        }
        Err(skip) => {
            ws.remove(path);
            Err(format!("skipped {}: {skip}", path.display()))
        }
    }
}
