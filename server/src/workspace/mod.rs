//! All article files, their analyses and the cross-file index of people and events.
//!
//! Guarantees:
//! - Knows nothing of the protocol: paths and byte spans in, plain data out.
//! - Incremental per file: `upsert` re-analyses one file and updates only that file's
//!   contributions to the indexes (O(size of that file), not of the workspace).
//! - No global lock around analysis: analysis runs on the caller's thread with no lock held;
//!   the per-file map is a `DashMap`; the people/event indexes are behind short `RwLock`s that
//!   are only taken to swap one file's contributions or answer a query.
//! - Open documents override disk: `upsert_disk` is ignored for a file the editor has open.
//! - Never writes any file.

pub mod events;
pub mod outline;
pub mod people;
pub mod scan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use dashmap::DashMap;
use regex::Regex;
use std::sync::LazyLock;

use crate::analysis::rules::RuleSettings;
use crate::analysis::{
    self, Context, EventMention, FileAnalysis, Finding, KbIndex, Lexicons, PersonMention, Span,
};
use crate::config::{self, Config, ConfigProblem, KbRole, PersonEntry, Settings};

pub use events::{EventIndex, EventSummary};
pub use outline::Outline;
pub use people::{PeopleIndex, Resolution};

pub type FileId = u32;

/// Everything derived from one `byline.toml` (or the defaults).
#[derive(Debug, Default)]
pub struct ConfigState {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub kb: KbIndex,
    pub lexicons: Lexicons,
    pub rules: RuleSettings,
    /// Problems of the last parse (a failed parse keeps the previous good state's data).
    pub problems: Vec<ConfigProblem>,
}

impl ConfigState {
    pub fn from_config(
        path: Option<PathBuf>,
        config: Config,
        problems: Vec<ConfigProblem>,
    ) -> Self {
        let lexicons = Lexicons::with_patches(&config.settings.lexicons);
        let rules = RuleSettings {
            levels: config.settings.rules.clone(),
        };
        ConfigState {
            path,
            kb: KbIndex::new(config.people, config.events),
            lexicons,
            rules,
            settings: config.settings,
            problems,
        }
    }

    /// Same knowledge base, new settings (from the editor).
    /// The analysis context of this configuration, for an article whose date is otherwise
    /// `fallback_date`.
    pub fn context(&self, fallback_date: Option<NaiveDate>) -> Context<'_> {
        Context {
            kb: &self.kb,
            lexicons: &self.lexicons,
            rules: &self.rules,
            fallback_date,
        }
    }

    pub fn with_settings(&self, settings: Settings) -> Self {
        ConfigState {
            path: self.path.clone(),
            kb: KbIndex::new(self.kb.people.clone(), self.kb.events.clone()),
            lexicons: Lexicons::with_patches(&settings.lexicons),
            rules: RuleSettings {
                levels: settings.rules.clone(),
            },
            settings,
            problems: self.problems.clone(),
        }
    }
}

/// One file: its outline (what cross-file queries read), and its text and full analysis
/// unless the workspace keeps outlines only for files indexed from disk (the language
/// server does, see `set_compact_disk_files`).
#[derive(Debug)]
pub struct FileEntry {
    pub id: FileId,
    pub path: Arc<Path>,
    /// The text; empty when `outline_only`.
    pub text: Arc<str>,
    /// The full analysis; empty when `outline_only`.
    pub analysis: Arc<FileAnalysis>,
    pub outline: Arc<Outline>,
    /// True when the text and analysis were not kept (a disk file in compact mode): read the
    /// file again for features that need them.
    pub outline_only: bool,
    /// Editor version when the text came from the editor.
    pub version: Option<i32>,
    pub open: bool,
}

static NO_TEXT: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));
static NO_ANALYSIS: LazyLock<Arc<FileAnalysis>> = LazyLock::new(Default::default);

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    /// Shared with the file's entry.
    pub path: Arc<Path>,
    pub span: Span,
}

/// A file and spans in it, by position.
pub type FileMentions = (Arc<FileEntry>, Vec<Span>);

/// What stands at an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Person {
        mention: usize,
        resolution: Resolution,
    },
    Event {
        mention: usize,
        key: Option<String>,
    },
}

/// One way the articles describe a person's role, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGroup {
    pub normalized: String,
    /// A representative verbatim form.
    pub text: String,
    /// Mentions with this role.
    pub count: usize,
    /// The first `ROLE_PLACES` of them in path order.
    pub places: Vec<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInfo {
    pub key: String,
    pub name: String,
    pub kb: Option<PersonEntry>,
    /// The KB role held on the reference date, if any.
    pub current_role: Option<KbRole>,
    pub roles: Vec<RoleGroup>,
    pub files: usize,
    pub mentions: usize,
    pub first_mention: Option<Location>,
    pub warnings: Vec<String>,
}

/// Result of a workspace scan.
#[derive(Debug, Default)]
pub struct ScanReport {
    pub files: usize,
    pub skipped: Vec<(PathBuf, String)>,
}

#[derive(Debug, Default)]
pub struct Workspace {
    roots: RwLock<Vec<(PathBuf, Arc<ConfigState>)>>,
    /// Config for files outside every root.
    default_config: RwLock<Arc<ConfigState>>,
    ids: DashMap<Arc<Path>, FileId>,
    /// Path by file id, shared with the entries and locations.
    paths: RwLock<Vec<Arc<Path>>>,
    /// Each file id's place in path order (`path_order_cmp`), for as many ids as it covers;
    /// rebuilt when new paths were interned (ids and paths never change).
    path_ranks: RwLock<Arc<Vec<u32>>>,
    files: DashMap<FileId, Arc<FileEntry>, rustc_hash::FxBuildHasher>,
    people: RwLock<PeopleIndex>,
    events: RwLock<EventIndex>,
    /// Keep only what cross-file queries need for files the editor has not opened (the
    /// server sets this; the CLI keeps findings with their fixes).
    compact: std::sync::atomic::AtomicBool,
    /// Shared copies of the titles in outline-only files: a role given in thousands of
    /// articles is stored once. Grows with the distinct strings seen.
    strings: dashmap::DashSet<crate::analysis::Str>,
    /// `person_info` answers (hover, definition, lens) for the people index generation they
    /// were computed at: a popular person has thousands of mentions to aggregate.
    info_cache: std::sync::Mutex<InfoCache>,
}

static DATE_IN_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})-(\d{2})-(\d{2})").unwrap());

/// `person_info` answers and their date-independent part, each with the people index
/// generation it was computed at.
#[derive(Debug, Default)]
struct InfoCache {
    /// (cluster key, reference date) → answer.
    infos: HashMap<(String, NaiveDate), (u64, Arc<PersonInfo>)>,
    /// Cluster key → aggregate over its mentions.
    stats: HashMap<String, (u64, Arc<PersonStats>)>,
}

/// What `person_info` aggregates over a person's mentions, whatever the reference date.
#[derive(Debug)]
struct PersonStats {
    roles: Vec<RoleGroup>,
    files: usize,
    mentions: usize,
    first_mention: Option<Location>,
}

/// Places kept per role group, the first in path order (hover links three).
pub const ROLE_PLACES: usize = 3;

/// A date in the file name ("2026-03-12-geneva.txt"), else the file's modification date.
pub fn fallback_date(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_string_lossy();
    if let Some(c) = DATE_IN_NAME.captures(&name) {
        if let Some(d) =
            NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
        {
            return Some(d);
        }
    }
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let dt: chrono::DateTime<chrono::Local> = modified.into();
    Some(dt.date_naive())
}

fn rlock<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn wlock<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep only outlines (no text, no full analysis) of files that are not open; an editor
    /// opening a file gets a full analysis, and `full_entry` re-reads one on demand.
    pub fn set_compact_disk_files(&self, on: bool) {
        self.compact.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    fn compact_disk_files(&self) -> bool {
        self.compact.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn intern(&self, s: &mut crate::analysis::Str) {
        if let Some(shared) = self.strings.get(&**s) {
            *s = shared.key().clone();
        } else {
            self.strings.insert(s.clone());
        }
    }

    // -- roots and configuration ---------------------------------------------------------

    /// Add a workspace root, loading its `byline.toml` if present. Returns the config problems.
    pub fn add_root(&self, root: &Path) -> Vec<ConfigProblem> {
        self.forget_person_info();
        let root = normalize(root);
        let path = root.join(config::FILE_NAME);
        let (state, problems) = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let parsed = config::parse(&text);
                let problems = parsed.problems.clone();
                let cfg = parsed.config.unwrap_or_default();
                (
                    ConfigState::from_config(Some(path), cfg, parsed.problems),
                    problems,
                )
            }
            Err(_) => (ConfigState::default(), Vec::new()),
        };
        wlock(&self.people).set_kb(&state.kb);
        let mut roots = wlock(&self.roots);
        roots.retain(|(p, _)| p != &root);
        roots.push((root, Arc::new(state)));
        // Longest root first, so nested roots win.
        roots.sort_by_key(|(p, _)| std::cmp::Reverse(p.as_os_str().len()));
        problems
    }

    pub fn remove_root(&self, root: &Path) {
        self.forget_person_info();
        let root = normalize(root);
        wlock(&self.roots).retain(|(p, _)| p != &root);
        let gone: Vec<FileId> = self
            .files
            .iter()
            .filter(|e| e.path.starts_with(&root) && !e.open)
            .map(|e| e.id)
            .collect();
        for id in gone {
            self.remove_id(id);
        }
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        rlock(&self.roots).iter().map(|(p, _)| p.clone()).collect()
    }

    /// The root a path belongs to.
    pub fn root_of(&self, path: &Path) -> Option<PathBuf> {
        rlock(&self.roots)
            .iter()
            .find(|(r, _)| path.starts_with(r))
            .map(|(r, _)| r.clone())
    }

    /// The configuration in force for a path.
    pub fn config_for(&self, path: &Path) -> Arc<ConfigState> {
        rlock(&self.roots)
            .iter()
            .find(|(r, _)| path.starts_with(r))
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| rlock(&self.default_config).clone())
    }

    /// Re-parse a root's `byline.toml` from `text`. On error the previous configuration stays
    /// in force (with the new problems recorded). Returns the problems and whether the
    /// configuration changed (callers then re-analyse).
    pub fn set_config_text(&self, config_path: &Path, text: &str) -> (Vec<ConfigProblem>, bool) {
        self.forget_person_info();
        let config_path = normalize(config_path);
        let Some(root) = config_path.parent().map(Path::to_path_buf) else {
            return (Vec::new(), false);
        };
        let parsed = config::parse(text);
        let mut roots = wlock(&self.roots);
        let Some(slot) = roots.iter_mut().find(|(r, _)| *r == root) else {
            return (parsed.problems, false);
        };
        match parsed.config {
            Some(cfg) => {
                slot.1 = Arc::new(ConfigState::from_config(
                    Some(config_path),
                    cfg,
                    parsed.problems.clone(),
                ));
                (parsed.problems, true)
            }
            None => {
                let old = &slot.1;
                let kept = ConfigState {
                    path: old.path.clone(),
                    settings: old.settings.clone(),
                    kb: KbIndex::new(old.kb.people.clone(), old.kb.events.clone()),
                    lexicons: old.lexicons.clone(),
                    rules: old.rules.clone(),
                    problems: parsed.problems.clone(),
                };
                slot.1 = Arc::new(kept);
                (parsed.problems, false)
            }
        }
    }

    /// Apply editor settings on top of every root's file configuration.
    pub fn apply_settings_json(&self, json: &serde_json::Value) -> Vec<String> {
        self.forget_person_info();
        let mut msgs = Vec::new();
        let mut roots = wlock(&self.roots);
        for (_, state) in roots.iter_mut() {
            let (s, m) = config::settings_from_json(&state.settings, json);
            msgs = m;
            *state = Arc::new(state.with_settings(s));
        }
        let mut d = wlock(&self.default_config);
        let (s, m) = config::settings_from_json(&d.settings, json);
        if msgs.is_empty() {
            msgs = m;
        }
        *d = Arc::new(d.with_settings(s));
        msgs
    }

    // -- files -----------------------------------------------------------------------------

    pub fn file_id(&self, path: &Path) -> FileId {
        if let Some(id) = self.ids.get(path) {
            return *id;
        }
        let mut paths = wlock(&self.paths);
        // Re-check under the lock: another thread may have interned it meanwhile.
        if let Some(id) = self.ids.get(path) {
            return *id;
        }
        let id = paths.len() as FileId;
        let shared: Arc<Path> = Arc::from(path);
        paths.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    /// Each file id's rank in path order. Sorting thousands of files by rank is much cheaper
    /// than comparing their paths.
    fn path_ranks(&self) -> Arc<Vec<u32>> {
        let n = rlock(&self.paths).len();
        let ranks = rlock(&self.path_ranks).clone();
        if ranks.len() == n {
            return ranks;
        }
        let paths = rlock(&self.paths).clone();
        let mut order: Vec<u32> = (0..paths.len() as u32).collect();
        order.sort_by(|&a, &b| path_order_cmp(&paths[a as usize], &paths[b as usize]));
        let mut ranks = vec![0; paths.len()];
        for (rank, id) in order.into_iter().enumerate() {
            ranks[id as usize] = rank as u32;
        }
        let ranks = Arc::new(ranks);
        *wlock(&self.path_ranks) = ranks.clone();
        ranks
    }

    /// The shared path of a file id (`path` when the id is unknown).
    fn shared_path(&self, id: FileId, path: &Path) -> Arc<Path> {
        rlock(&self.paths)
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(path))
    }

    pub fn lookup(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).map(|r| *r)
    }

    pub fn path_of(&self, id: FileId) -> Option<PathBuf> {
        rlock(&self.paths).get(id as usize).map(|p| p.to_path_buf())
    }

    pub fn file(&self, id: FileId) -> Option<Arc<FileEntry>> {
        self.files.get(&id).map(|e| e.clone())
    }

    pub fn file_by_path(&self, path: &Path) -> Option<Arc<FileEntry>> {
        self.file(self.lookup(path)?)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// All files, sorted by path.
    pub fn all_files(&self) -> Vec<Arc<FileEntry>> {
        let mut v: Vec<_> = self.files.iter().map(|e| e.clone()).collect();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }

    /// Analyse text for `path` without storing it.
    pub fn analyze(&self, path: &Path, text: &str) -> FileAnalysis {
        let cfg = self.config_for(path);
        analysis::analyze(text, &cfg.context(fallback_date(path)))
    }

    /// Text from the editor (open document). Analyses and indexes it.
    pub fn upsert_open(&self, path: &Path, text: Arc<str>, version: i32) -> Arc<FileEntry> {
        let analysis = Arc::new(self.analyze(path, &text));
        self.store(path, text, analysis, Some(version), true)
    }

    /// Store an already computed analysis for an open document, unless a newer version is
    /// stored already (analyses of old versions finishing late never overwrite newer ones).
    pub fn store_open(
        &self,
        path: &Path,
        text: Arc<str>,
        analysis: Arc<FileAnalysis>,
        version: i32,
    ) -> Option<Arc<FileEntry>> {
        if let Some(cur) = self.file_by_path(path) {
            if cur.open && cur.version.is_some_and(|v| v > version) {
                return None;
            }
        }
        Some(self.store(path, text, analysis, Some(version), true))
    }

    /// Text from disk. Ignored when the editor has the file open.
    pub fn upsert_disk(&self, path: &Path, text: Arc<str>) -> Option<Arc<FileEntry>> {
        if self.file_by_path(path).is_some_and(|f| f.open) {
            return None;
        }
        let analysis = Arc::new(self.analyze(path, &text));
        if self.file_by_path(path).is_some_and(|f| f.open) {
            return None; // opened while we analysed
        }
        Some(self.store(path, text, analysis, None, false))
    }

    fn store(
        &self,
        path: &Path,
        text: Arc<str>,
        analysis: Arc<FileAnalysis>,
        version: Option<i32>,
        open: bool,
    ) -> Arc<FileEntry> {
        let id = self.file_id(path);
        let cfg = self.config_for(path);
        {
            let mut p = wlock(&self.people);
            p.update_file(id, &analysis.people, &cfg.kb);
        }
        {
            let mut e = wlock(&self.events);
            e.update_file(id, &analysis.events, analysis.meta.date, &cfg.kb);
        }
        let outline_only = !open && self.compact_disk_files();
        let outline = if outline_only {
            Outline::new(&text, &analysis, &mut |s| self.intern(s))
        } else {
            Outline::new(&text, &analysis, &mut |_| {})
        };
        let (text, analysis) = if outline_only {
            (NO_TEXT.clone(), NO_ANALYSIS.clone())
        } else {
            (text, analysis)
        };
        let entry = Arc::new(FileEntry {
            id,
            path: self.shared_path(id, path),
            text,
            analysis,
            outline: Arc::new(outline),
            outline_only,
            version,
            open,
        });
        self.files.insert(id, entry.clone());
        entry
    }

    /// `entry` with its text and full analysis: itself, or for an outline-only entry, the
    /// file read from disk and analysed again (not stored). `None` if it cannot be read.
    pub fn full_entry(&self, entry: &Arc<FileEntry>) -> Option<Arc<FileEntry>> {
        if !entry.outline_only {
            return Some(entry.clone());
        }
        let text: Arc<str> = String::from_utf8(std::fs::read(&entry.path).ok()?)
            .ok()?
            .into();
        let analysis = self.analyze(&entry.path, &text);
        Some(Arc::new(FileEntry {
            id: entry.id,
            path: entry.path.clone(),
            outline: Arc::new(Outline::new(&text, &analysis, &mut |_| {})),
            text,
            analysis: Arc::new(analysis),
            outline_only: false,
            version: None,
            open: false,
        }))
    }

    /// The editor closed a document: it no longer overrides disk. The caller re-reads the
    /// disk version (`upsert_disk`) or removes the file if it is gone.
    pub fn close(&self, path: &Path) {
        if let Some(f) = self.file_by_path(path) {
            let entry = FileEntry {
                id: f.id,
                path: f.path.clone(),
                text: f.text.clone(),
                analysis: f.analysis.clone(),
                outline: f.outline.clone(),
                outline_only: f.outline_only,
                version: None,
                open: false,
            };
            self.files.insert(f.id, Arc::new(entry));
        }
    }

    pub fn remove(&self, path: &Path) {
        if let Some(id) = self.lookup(path) {
            if self.file(id).is_some_and(|f| f.open) {
                return;
            }
            self.remove_id(id);
        }
    }

    fn remove_id(&self, id: FileId) {
        self.files.remove(&id);
        wlock(&self.people).remove_file(id);
        wlock(&self.events).remove_file(id);
    }

    /// Rebuild every event cluster in a fixed order. Linking is greedy, so after a parallel
    /// scan (files arrive in any order) this makes the clusters deterministic.
    pub fn relink_events(&self) {
        let roots = rlock(&self.roots);
        let kb = roots
            .first()
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| rlock(&self.default_config).clone());
        drop(roots);
        wlock(&self.events).recluster_all(&kb.kb);
    }

    /// Re-analyse every file (after a configuration change), keeping texts.
    pub fn reanalyze_all(&self) {
        for (_, cfg) in rlock(&self.roots).iter() {
            wlock(&self.people).set_kb(&cfg.kb);
        }
        for f in self.all_files() {
            let text = if f.outline_only {
                // Only the outline was kept: read the file again (gone or unreadable: drop it).
                match std::fs::read(&f.path)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    Some(t) => Arc::from(t),
                    None => {
                        self.remove_id(f.id);
                        continue;
                    }
                }
            } else {
                f.text.clone()
            };
            let analysis = self.analyze(&f.path, &text);
            self.store(&f.path, text, Arc::new(analysis), f.version, f.open);
        }
    }

    // -- queries ---------------------------------------------------------------------------

    /// The person or event mention at `offset` in a file.
    pub fn item_at(&self, id: FileId, offset: usize) -> Option<Item> {
        let f = self.file(id)?;
        let o = &f.outline;
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let hit = |s: u32, e: u32| s <= offset && offset <= e && s < e;
        if let Some(i) = o.people.iter().position(|m| hit(m.start, m.end)) {
            return Some(Item::Person {
                mention: i,
                resolution: rlock(&self.people).resolve(id, i),
            });
        }
        if let Some(i) = o.events.iter().position(|&(s, e)| hit(s, e)) {
            return Some(Item::Event {
                mention: i,
                key: rlock(&self.events).cluster_of(id, i),
            });
        }
        None
    }

    /// The cluster a person mention of a file belongs to.
    pub fn person_resolution(&self, id: FileId, mention: usize) -> people::Resolution {
        rlock(&self.people).resolve(id, mention)
    }

    /// Mentions grouped by file: files in path order (by `path_ranks`, not by comparing
    /// paths), spans by position, one file lookup per file.
    fn grouped(&self, pairs: Vec<(FileId, usize)>, person: bool) -> Vec<FileMentions> {
        /// From this many mentions, half the files are looked up on a second thread (each
        /// file costs a few cache misses: entry, outline, spans).
        const SPLIT_FROM: usize = 4_000;
        self.grouped_split(pairs, person, SPLIT_FROM)
    }

    fn grouped_split(
        &self,
        mut pairs: Vec<(FileId, usize)>,
        person: bool,
        split_from: usize,
    ) -> Vec<FileMentions> {
        // The indexes list pairs in order already; sorting them is then one pass.
        if !pairs.is_sorted() {
            pairs.sort_unstable();
        }
        // One run per file, runs in path order.
        let ranks = self.path_ranks();
        let rank = |id: FileId| ranks.get(id as usize).copied().unwrap_or(u32::MAX);
        let mut runs: Vec<&[(FileId, usize)]> = pairs.chunk_by(|a, b| a.0 == b.0).collect();
        runs.sort_unstable_by_key(|r| (rank(r[0].0), r[0].0));
        if pairs.len() < split_from {
            return self.group_runs(&runs, person);
        }
        let (head, tail) = runs.split_at(runs.len() / 2);
        let (mut groups, rest) = std::thread::scope(|scope| {
            let second = scope.spawn(|| self.group_runs(tail, person));
            let first = self.group_runs(head, person);
            (first, second.join())
        });
        match rest {
            Ok(rest) => groups.extend(rest),
            Err(_) => groups.extend(self.group_runs(tail, person)),
        }
        groups
    }

    /// One group per run of pairs in one file, spans sorted.
    fn group_runs(&self, runs: &[&[(FileId, usize)]], person: bool) -> Vec<FileMentions> {
        let mut groups: Vec<FileMentions> = Vec::with_capacity(runs.len());
        for run in runs {
            let Some(f) = self.file(run[0].0) else {
                continue;
            };
            let mut spans: Vec<Span> = run
                .iter()
                .filter_map(|&(_, i)| {
                    if person {
                        f.outline.person_span(i)
                    } else {
                        f.outline.event_span(i)
                    }
                })
                .collect();
            spans.sort_by_key(|s| s.start);
            groups.push((f, spans));
        }
        groups
    }

    fn locations(&self, pairs: Vec<(FileId, usize)>, person: bool) -> Vec<Location> {
        let mut out = Vec::with_capacity(pairs.len());
        for (f, spans) in self.grouped(pairs, person) {
            out.extend(spans.into_iter().map(|span| Location {
                file: f.id,
                path: f.path.clone(),
                span,
            }));
        }
        out
    }

    /// `person_mentions`, grouped by file (for callers converting thousands of spans).
    pub fn person_mention_groups(&self, key: &str) -> Vec<FileMentions> {
        let pairs = rlock(&self.people).mentions(key);
        self.grouped(pairs, true)
    }

    /// `event_mentions`, grouped by file.
    pub fn event_mention_groups(&self, key: &str) -> Vec<FileMentions> {
        let pairs = rlock(&self.events).mentions(key);
        self.grouped(pairs, false)
    }

    /// Every mention of a person cluster, sorted by path and position.
    pub fn person_mentions(&self, key: &str) -> Vec<Location> {
        let pairs = rlock(&self.people).mentions(key);
        self.locations(pairs, true)
    }

    pub fn person_mention(&self, id: FileId, i: usize) -> Option<PersonMention> {
        self.file(id)?.analysis.people.get(i).cloned()
    }

    pub fn event_mention(&self, id: FileId, i: usize) -> Option<EventMention> {
        self.file(id)?.analysis.events.get(i).cloned()
    }

    pub fn event_mentions(&self, key: &str) -> Vec<Location> {
        let pairs = rlock(&self.events).mentions(key);
        self.locations(pairs, false)
    }

    pub fn event_summary(&self, key: &str) -> Option<EventSummary> {
        rlock(&self.events).summary(key)
    }

    pub fn person_clusters(&self) -> Vec<String> {
        rlock(&self.people).clusters()
    }

    pub fn event_clusters(&self) -> Vec<String> {
        rlock(&self.events).clusters()
    }

    pub fn person_name(&self, key: &str) -> String {
        rlock(&self.people)
            .display_name(key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The KB entry of a person cluster, looked up in every root's KB.
    pub fn kb_person(&self, key: &str) -> Option<(PersonEntry, Option<PathBuf>)> {
        let id = rlock(&self.people).kb_id(key)?;
        for (_, cfg) in rlock(&self.roots).iter() {
            if let Some(p) = cfg.kb.person_by_id(&id) {
                return Some((p.clone(), cfg.path.clone()));
            }
        }
        None
    }

    /// Everything hover shows about a person cluster; `date` picks the current KB role.
    /// The date-independent part (`PersonStats`, an aggregate over every mention) is cached
    /// until the people index changes; the rest costs a KB lookup.
    pub fn person_info(&self, key: &str, date: Option<NaiveDate>) -> Arc<PersonInfo> {
        let reference = date.unwrap_or_else(|| chrono::Local::now().date_naive());
        let generation = rlock(&self.people).generation();
        let lock = || self.info_cache.lock().unwrap_or_else(|e| e.into_inner());
        let stats = {
            let cache = lock();
            if let Some((g, info)) = cache.infos.get(&(key.to_string(), reference)) {
                if *g == generation {
                    return info.clone();
                }
            }
            cache
                .stats
                .get(key)
                .filter(|(g, _)| *g == generation)
                .map(|(_, s)| s.clone())
        };
        let stats = stats.unwrap_or_else(|| {
            let s = Arc::new(self.person_stats(key));
            let mut cache = lock();
            if cache.stats.len() >= 512 {
                cache.stats.clear();
            }
            cache.stats.insert(key.to_string(), (generation, s.clone()));
            s
        });
        let info = Arc::new(self.dated_person_info(key, &stats, reference));
        let mut cache = lock();
        if cache.infos.len() >= 512 {
            cache.infos.clear();
        }
        cache
            .infos
            .insert((key.to_string(), reference), (generation, info.clone()));
        info
    }

    /// Drop cached `person_info` answers (configuration and KB changes).
    fn forget_person_info(&self) {
        let mut cache = self.info_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.infos.clear();
        cache.stats.clear();
    }

    /// One pass over a person's mentions, reading file outlines: role groups (with their
    /// first places in path order), file and mention counts, the first mention.
    fn person_stats(&self, key: &str) -> PersonStats {
        let mut pairs = rlock(&self.people).mentions(key);
        pairs.sort_unstable();
        let ranks = self.path_ranks();
        let rank = |id: FileId| ranks.get(id as usize).copied().unwrap_or(u32::MAX);
        struct Group {
            text: analysis::Str,
            count: usize,
            /// The first `ROLE_PLACES` places in path order.
            places: Vec<(Arc<FileEntry>, Span)>,
        }
        let before = |a: &(Arc<FileEntry>, Span), b: &(Arc<FileEntry>, Span)| {
            (rank(a.0.id), a.1.start) < (rank(b.0.id), b.1.start)
        };
        let mut groups: HashMap<analysis::Str, Group> = HashMap::new();
        let mut files = 0;
        // The first mention in path order: a full name if any, else any mention.
        let mut first_full: Option<(Arc<FileEntry>, Span)> = None;
        let mut first_any: Option<(Arc<FileEntry>, Span)> = None;
        // One file lookup per file; mentions are indexed directly.
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            files += 1;
            let Some(f) = self.file(run[0].0) else {
                continue;
            };
            let o = &f.outline;
            // This file's earliest mention (and full-name mention), compared across files once.
            let mut any: Option<Span> = None;
            let mut full: Option<Span> = None;
            let earliest = |cur: &mut Option<Span>, span: Span| {
                if cur.as_ref().is_none_or(|c| span.start < c.start) {
                    *cur = Some(span);
                }
            };
            for &(_, i) in run {
                let Some(m) = o.person(i) else {
                    continue;
                };
                earliest(&mut any, m.span());
                if m.form == analysis::MentionForm::FullName {
                    earliest(&mut full, m.span());
                }
                let Some(t) = o.title_of(m) else {
                    continue;
                };
                let g = groups.entry(t.normalized.clone()).or_insert_with(|| Group {
                    text: t.text.clone(),
                    count: 0,
                    places: Vec::new(),
                });
                g.count += 1;
                let cand = (f.clone(), t.span());
                if g.places.len() < ROLE_PLACES || before(&cand, &g.places[ROLE_PLACES - 1]) {
                    let at = g.places.partition_point(|p| !before(&cand, p));
                    g.places.insert(at, cand);
                    g.places.truncate(ROLE_PLACES);
                }
            }
            for (slot, span) in [(&mut first_any, any), (&mut first_full, full)] {
                if let Some(span) = span {
                    let cand = (f.clone(), span);
                    if slot.as_ref().is_none_or(|cur| before(&cand, cur)) {
                        *slot = Some(cand);
                    }
                }
            }
        }
        let mut roles: Vec<RoleGroup> = groups
            .into_iter()
            .map(|(normalized, g)| RoleGroup {
                normalized: normalized.to_string(),
                text: g.text.to_string(),
                count: g.count,
                places: g
                    .places
                    .into_iter()
                    .map(|(f, span)| Location {
                        file: f.id,
                        path: f.path.clone(),
                        span,
                    })
                    .collect(),
            })
            .collect();
        roles.sort_by(|a, b| b.count.cmp(&a.count).then(a.normalized.cmp(&b.normalized)));
        let first_mention = first_full.or(first_any).map(|(f, span)| Location {
            file: f.id,
            path: f.path.clone(),
            span,
        });
        PersonStats {
            roles,
            files,
            mentions: pairs.len(),
            first_mention,
        }
    }

    fn dated_person_info(
        &self,
        key: &str,
        stats: &PersonStats,
        reference: NaiveDate,
    ) -> PersonInfo {
        let kb = self.kb_person(key).map(|(p, _)| p);
        let current_role = kb
            .as_ref()
            .and_then(|p| p.roles.iter().rev().find(|r| r.held_on(reference)).cloned());
        let roles = stats.roles.clone();
        let mut warnings = Vec::new();
        // Title conflicts: the articles give roles that disagree with the KB's current role.
        if let (Some(cur), false) = (&current_role, roles.is_empty()) {
            let cur_key = cur.title.to_lowercase();
            let conflicting: Vec<&RoleGroup> = roles
                .iter()
                .filter(|g| {
                    let words: Vec<&str> = cur_key.split_whitespace().collect();
                    !words.iter().all(|w| g.normalized.contains(w))
                })
                .collect();
            if let Some(g) = conflicting.first() {
                if roles.len() > 1 || conflicting.len() == roles.len() {
                    warnings.push(format!(
                        "articles also call them “{}”, which differs from the knowledge base's current role “{}”",
                        g.text, cur.title
                    ));
                }
            }
        }
        PersonInfo {
            key: key.to_string(),
            name: kb
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| self.person_name(key)),
            kb,
            current_role,
            roles,
            files: stats.files,
            mentions: stats.mentions,
            first_mention: stats.first_mention.clone(),
            warnings,
        }
    }

    /// Findings for a file: the analysis' own plus workspace-level ones (`name-variant`).
    pub fn diagnostics(&self, id: FileId) -> Vec<Finding> {
        let Some(f) = self.file(id) else {
            return Vec::new();
        };
        let mut out = f.analysis.findings.clone();
        let cfg = self.config_for(&f.path);
        if let Some(sev) = cfg.rules.level("name-variant") {
            let variants = rlock(&self.people).name_variants(id, &f.analysis.people, &cfg.kb);
            // Parsed once, only when needed, to honour suppression directives.
            let doc = (!variants.is_empty()).then(|| analysis::Document::parse(&f.text, None));
            for (i, known) in variants {
                let Some(m) = f.analysis.people.get(i) else {
                    continue;
                };
                let finding = Finding {
                    code: "name-variant",
                    severity: sev,
                    span: m.span.clone(),
                    message: format!(
                        "“{}” differs slightly from the known name “{}”: check the spelling",
                        m.text, known
                    ),
                    related: Vec::new(),
                    fixes: vec![analysis::Fix {
                        title: format!("Change to “{known}”"),
                        edits: vec![analysis::Edit {
                            span: m.span.clone(),
                            new_text: known.clone(),
                            snippet: false,
                        }],
                        preferred: true,
                    }],
                };
                if !doc
                    .as_ref()
                    .is_some_and(|d| analysis::rules::is_suppressed(d, &finding))
                {
                    out.push(finding);
                }
            }
        }
        out.sort_by_key(|f| (f.span.start, f.span.end));
        out
    }

    /// Number of files mentioning a person cluster.
    pub fn files_mentioning(&self, key: &str) -> usize {
        rlock(&self.people).files_mentioning(key)
    }
}

/// Compares paths as `Path` does (component by component, the separator sorting first) but
/// as bytes: thousands of `Path` comparisons per query cost milliseconds.
fn path_order_cmp(a: &Path, b: &Path) -> std::cmp::Ordering {
    path_order_bytes(a).cmp(path_order_bytes(b))
}

/// A path's bytes with the separator mapped below every other byte.
fn path_order_bytes(p: &Path) -> impl Iterator<Item = u8> + '_ {
    p.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&b| if b == b'/' || b == b'\\' { 0 } else { b })
}

/// Absolute, lexically normalised path (no `.`/`..`), without touching symlinks.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Grouping on one thread and on two gives the same groups, files in path order (a
    /// directory's files before a sibling whose name extends the directory's), spans sorted.
    #[test]
    fn mention_groups_in_path_order_on_one_thread_or_two() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Deputy Foreign Minister Sergei Ryabkov said talks would resume. \
                    Ryabkov spoke in Geneva. Ryabkov declined to say more.\n";
        let mut paths = Vec::new();
        for rel in ["b.md", "a/z.md", "a-b.md", "a/c/d.md", "a.md", "c d.md"] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            paths.push(p);
        }
        let ws = Workspace::new();
        ws.add_root(dir.path());
        ws.scan(&paths, &|_, _| {});
        let key = ws
            .person_clusters()
            .into_iter()
            .find(|k| k.contains("ryabkov"))
            .unwrap();
        let pairs = rlock(&ws.people).mentions(&key);
        let summary = |groups: Vec<FileMentions>| -> Vec<(PathBuf, Vec<Span>)> {
            groups
                .into_iter()
                .map(|(f, spans)| (f.path.to_path_buf(), spans))
                .collect()
        };
        let one = summary(ws.grouped_split(pairs.clone(), true, usize::MAX));
        let two = summary(ws.grouped_split(pairs, true, 0));
        assert_eq!(one, two);
        let mut want: Vec<PathBuf> = paths.iter().map(|p| normalize(p)).collect();
        want.sort_by(|a, b| path_order_cmp(a, b));
        let got: Vec<PathBuf> = one.iter().map(|g| g.0.clone()).collect();
        assert_eq!(got, want);
        assert!(
            got[0].ends_with("a/c/d.md") && got[2].ends_with("a-b.md"),
            "{got:?}"
        );
        for (_, spans) in &one {
            assert_eq!(spans.len(), 3);
            assert!(spans.windows(2).all(|w| w[0].start < w[1].start));
        }
    }
}
