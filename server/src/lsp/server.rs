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
    /// `initialize` has been answered, so tower-lsp routes requests (with `shutting_down`
    /// still false, `lsp::direct` may answer requests itself).
    pub initialized: AtomicBool,
    pub shutting_down: AtomicBool,
    pub indexing_done: AtomicBool,
    progress_ids: AtomicU64,
    pub caps: std::sync::RwLock<ClientCaps>,
    /// `file://` URI per file id (ids are stable per path): references list thousands.
    /// Indexed by file id (ids are dense); `None` where not computed yet.
    file_uris: std::sync::RwLock<Vec<Option<Uri>>>,
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
            initialized: AtomicBool::new(false),
            shutting_down: AtomicBool::new(false),
            indexing_done: AtomicBool::new(false),
            progress_ids: AtomicU64::new(0),
            caps: Default::default(),
            file_uris: Default::default(),
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

    /// `uri_of` for a workspace file, cached by its id.
    pub fn uri_of_file(&self, id: u32, path: &Path) -> Option<Uri> {
        let mut out = None;
        self.each_file_uri([(id, path)].into_iter(), |_, u| out = Some(u.clone()));
        out
    }

    /// `uri_of_file` for many files under one lock (references list thousands): calls
    /// `f(i, uri)` for the i-th file, unless it has no URI.
    pub fn each_file_uri<'a>(
        &self,
        files: impl Iterator<Item = (u32, &'a Path)>,
        mut f: impl FnMut(usize, &Uri),
    ) {
        let mut new = Vec::new();
        {
            let cache = self.file_uris.read().unwrap_or_else(|e| e.into_inner());
            for (i, (id, path)) in files.enumerate() {
                match cache.get(id as usize).and_then(Option::as_ref) {
                    Some(u) => f(i, u),
                    None => {
                        let Some(u) = self.uri_of(path) else {
                            continue;
                        };
                        f(i, &u);
                        if !self.virtual_uris.contains_key(path) {
                            new.push((id as usize, u));
                        }
                    }
                }
            }
        }
        if !new.is_empty() {
            let mut cache = self.file_uris.write().unwrap_or_else(|e| e.into_inner());
            for (id, u) in new {
                if cache.len() <= id {
                    cache.resize(id + 1, None);
                }
                cache[id] = Some(u);
            }
        }
    }

    /// The URI for a workspace path (inverse of `path_of`).
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
        let entry = self.ws.file_by_path(&path)?;
        if !entry.outline_only {
            return Some(entry);
        }
        // A request on a file the editor has not opened, indexed as an outline only: read
        // and analyse it again (not stored; the index keeps the outline).
        let st = self.clone();
        tokio::task::spawn_blocking(move || st.ws.full_entry(&entry))
            .await
            .ok()
            .flatten()
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
                apply_change(&mut doc.rope, ch, enc);
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

/// Apply one `didChange` content change to an open document's text: a ranged change
/// replaces the range (positions clamped as `rope_offset` says; a reversed range is taken in
/// order), a change without a range replaces the whole text. Pure; fuzzed in `server/fuzz`.
pub fn apply_change(rope: &mut Rope, change: &TextDocumentContentChangeEvent, enc: Encoding) {
    match change.range {
        Some(r) => {
            let mut s = rope_offset(rope, r.start, enc);
            let mut e = rope_offset(rope, r.end, enc);
            if e < s {
                std::mem::swap(&mut s, &mut e);
            }
            rope.remove(s..e);
            rope.insert(s, &change.text);
        }
        None => *rope = Rope::from_str(&change.text),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::LineIndex;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "Sergei Ryabkov",
        "Sergey Ryabkov",
        "Ryabkov",
        " said ",
        "Analysts say ",
        "reportedly ",
        "the Geneva talks",
        "“",
        "”",
        "42% ",
        ". ",
        " ",
        "\n",
        "\r\n",
        "\r",
        "🎉",
        "王毅",
        "\u{a0}",
        "GENEVA — ",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 0..24).prop_map(|v| v.concat())
    }

    fn pos() -> impl Strategy<Value = Position> {
        (0u32..8, 0u32..40).prop_map(|(line, character)| Position { line, character })
    }

    fn change() -> impl Strategy<Value = TextDocumentContentChangeEvent> {
        (
            prop::option::weighted(0.9, (pos(), pos())),
            prop::collection::vec(prop::sample::select(WORDS), 0..4),
        )
            .prop_map(|(r, t)| TextDocumentContentChangeEvent {
                range: r.map(|(start, end)| Range { start, end }),
                range_length: None,
                text: t.concat(),
            })
    }

    /// What a client sees of one file: diagnostics, people and events with their spans.
    fn observed(ws: &Workspace, path: &Path) -> String {
        let e = ws.file_by_path(path).unwrap();
        let a = &e.analysis;
        let diags: Vec<_> = ws
            .diagnostics(e.id)
            .into_iter()
            .map(|f| (f.code, f.span, f.message))
            .collect();
        let people: Vec<_> = a.people.iter().map(|p| (&p.span, &p.name)).collect();
        let events: Vec<_> = a.events.iter().map(|e| (&e.span, &e.trigger)).collect();
        format!(
            "{diags:?}\n{people:?}\n{events:?}\n{:?}\n{:?}",
            ws.person_clusters(),
            ws.event_clusters()
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Incremental sync (every change applied to the rope, each version analysed and
        /// indexed) ends with the same text, and the same findings, mentions and clusters,
        /// as opening the final text in a fresh workspace.
        #[test]
        fn incremental_edits_equal_full_sync(
            initial in text(),
            changes in prop::collection::vec(change(), 1..8),
            utf8 in any::<bool>(),
        ) {
            let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
            let path = Path::new("/ws/2026-03-13-draft.md");
            let other = Path::new("/ws/2026-03-12-wire.txt");
            let other_text: Arc<str> = Arc::from("GENEVA — Sergei Ryabkov said the talks went well.");
            let incremental = Workspace::new();
            incremental.upsert_disk(other, other_text.clone());
            let mut rope = Rope::from_str(&initial);
            let mut plain = initial.clone();
            incremental.upsert_open(path, Arc::from(initial.as_str()), 0);
            for (v, ch) in changes.iter().enumerate() {
                apply_change(&mut rope, ch, enc);
                match ch.range {
                    None => plain = ch.text.clone(),
                    Some(r) => {
                        let li = LineIndex::new(&plain);
                        let s = li.offset(&plain, r.start, enc);
                        let e = li.offset(&plain, r.end, enc);
                        plain.replace_range(s.min(e)..s.max(e), &ch.text);
                    }
                }
                incremental.upsert_open(path, Arc::from(rope.to_string()), v as i32 + 1);
            }
            prop_assert_eq!(rope.to_string(), plain.clone());

            let full = Workspace::new();
            full.upsert_disk(other, other_text);
            full.upsert_open(path, Arc::from(plain.as_str()), 1);
            prop_assert_eq!(observed(&incremental, path), observed(&full, path));
            prop_assert_eq!(observed(&incremental, other), observed(&full, other));
        }
    }
}
