//! `byline.toml`: settings and the newsroom knowledge base, parsed with exact error ranges.
//!
//! Guarantees:
//! - `parse` never panics and never fails silently: a syntax error or a value of the wrong type
//!   is an error `ConfigProblem` at the exact byte range; an unknown key is a warning.
//! - On any *error* `parse` returns `config: None`, so callers keep their last good
//!   configuration in force. Warnings alone still yield a configuration.
//! - Pure: text in, data out. File discovery (`find_upwards`) is the only I/O, kept separate.
//!
//! The same settings keys are accepted as JSON from LSP `initializationOptions` and
//! `workspace/didChangeConfiguration` (`settings_from_json`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use toml_edit::{Document, Item, Table, Value};

use crate::analysis::Severity;

pub const FILE_NAME: &str = "byline.toml";
pub const DEFAULT_INCLUDE: &[&str] = &["**/*.md", "**/*.markdown", "**/*.txt"];
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// A rule's configured level: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub fn parse(s: &str) -> Option<RuleLevel> {
        Some(match s.to_ascii_lowercase().as_str() {
            "off" | "none" | "false" => RuleLevel::Off,
            "error" => RuleLevel::On(Severity::Error),
            "warning" | "warn" => RuleLevel::On(Severity::Warning),
            "information" | "info" => RuleLevel::On(Severity::Information),
            "hint" => RuleLevel::On(Severity::Hint),
            _ => return None,
        })
    }
}

/// Changes to one built-in lexicon: `replace` (whole list), then `add`, then `remove`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LexiconPatch {
    pub replace: Option<Vec<String>>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Globs (relative to the workspace root) of article files.
    pub include: Vec<String>,
    /// Globs to skip (in addition to .gitignore / .ignore).
    pub exclude: Vec<String>,
    /// Files larger than this are skipped with a warning.
    pub max_file_size: u64,
    /// Rule code → level.
    pub rules: BTreeMap<String, RuleLevel>,
    /// Lexicon name → patch (names: see `analysis::lexicon::LEXICON_NAMES`).
    pub lexicons: BTreeMap<String, LexiconPatch>,
    /// Show a role inlay hint after a bare surname's first use.
    pub inlay_hints: bool,
    /// Show "mentioned in N articles" / "covered in N articles" code lenses.
    pub code_lens: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            include: DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: BTreeMap::new(),
            lexicons: BTreeMap::new(),
            inlay_hints: false,
            code_lens: true,
        }
    }
}

/// A dated role from the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KbRole {
    pub title: String,
    pub organization: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl KbRole {
    /// Whether the role was held on `date` (open-ended at either side when a bound is missing).
    pub fn held_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonEntry {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub roles: Vec<KbRole>,
    pub links: Vec<String>,
    pub notes: Option<String>,
    /// Byte range of the `[[person]]` table in `byline.toml` (for go-to-definition).
    pub span: Range<usize>,
    /// Byte range of the `name` value (for rename).
    pub name_span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventEntry {
    pub id: String,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub place: Option<String>,
    /// Person ids or names.
    pub participants: Vec<String>,
    pub aliases: Vec<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Config {
    pub settings: Settings,
    pub people: Vec<PersonEntry>,
    pub events: Vec<EventEntry>,
}

/// A problem in `byline.toml`, at a byte range of that file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigProblem {
    pub span: Range<usize>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedConfig {
    /// `None` when there was at least one error: keep the last good configuration.
    pub config: Option<Config>,
    pub problems: Vec<ConfigProblem>,
}

/// Parse the text of a `byline.toml`.
pub fn parse(text: &str) -> ParsedConfig {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let span = widen_empty(text, span);
            return ParsedConfig {
                config: None,
                problems: vec![ConfigProblem {
                    span,
                    severity: Severity::Error,
                    message: format!("TOML syntax error: {}", e.message().trim()),
                }],
            };
        }
    };
    let mut p = Parser {
        text,
        problems: Vec::new(),
    };
    let config = p.config(doc.as_table());
    let has_error = p.problems.iter().any(|x| x.severity == Severity::Error);
    ParsedConfig {
        config: if has_error { None } else { Some(config) },
        problems: p.problems,
    }
}

/// Settings given as JSON (LSP `initializationOptions` / `didChangeConfiguration`).
/// Accepts the same keys as `byline.toml`, in kebab-case or camelCase; unknown keys are
/// reported as messages and ignored.
pub fn settings_from_json(base: &Settings, v: &serde_json::Value) -> (Settings, Vec<String>) {
    let mut out = base.clone();
    let mut msgs = Vec::new();
    let Some(obj) = v.as_object() else {
        if !v.is_null() {
            msgs.push("settings must be a JSON object".to_string());
        }
        return (out, msgs);
    };
    for (k, val) in obj {
        match normalize_key(k).as_str() {
            "include" | "exclude" => match json_strings(val) {
                Some(list) if normalize_key(k) == "include" => out.include = list,
                Some(list) => out.exclude = list,
                None => msgs.push(format!("setting `{k}` must be a list of strings")),
            },
            "max-file-size" => match val.as_u64() {
                Some(n) => out.max_file_size = n,
                None => msgs.push("setting `max-file-size` must be a number of bytes".into()),
            },
            "rules" => match val.as_object() {
                Some(rules) => {
                    for (code, lvl) in rules {
                        match lvl.as_str().and_then(RuleLevel::parse) {
                            Some(l) => {
                                out.rules.insert(code.clone(), l);
                            }
                            None => msgs.push(format!(
                                "rule `{code}`: expected \"error\", \"warning\", \"information\", \"hint\" or \"off\""
                            )),
                        }
                    }
                }
                None => msgs.push("setting `rules` must be an object".into()),
            },
            "lexicons" => match val.as_object() {
                Some(lex) => {
                    for (name, patch) in lex {
                        let mut lp = LexiconPatch::default();
                        if let Some(o) = patch.as_object() {
                            lp.replace = o.get("replace").and_then(json_strings);
                            lp.add = o.get("add").and_then(json_strings).unwrap_or_default();
                            lp.remove = o.get("remove").and_then(json_strings).unwrap_or_default();
                            out.lexicons.insert(name.clone(), lp);
                        } else {
                            msgs.push(format!(
                                "lexicon `{name}` must be an object with add/remove/replace"
                            ));
                        }
                    }
                }
                None => msgs.push("setting `lexicons` must be an object".into()),
            },
            "people" => {
                if let Some(h) = val.get("inlayHints").or_else(|| val.get("inlay-hints")) {
                    out.inlay_hints = h.as_bool().unwrap_or(out.inlay_hints);
                }
            }
            "inlay-hints" => out.inlay_hints = val.as_bool().unwrap_or(out.inlay_hints),
            "code-lens" => out.code_lens = val.as_bool().unwrap_or(out.code_lens),
            _ => msgs.push(format!("unknown setting `{k}` ignored")),
        }
    }
    (out, msgs)
}

fn normalize_key(k: &str) -> String {
    let mut s = String::new();
    for c in k.chars() {
        if c.is_ascii_uppercase() {
            s.push('-');
            s.push(c.to_ascii_lowercase());
        } else if c == '_' {
            s.push('-');
        } else {
            s.push(c);
        }
    }
    s
}

fn json_strings(v: &serde_json::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Look for `byline.toml` in `start` and its ancestors.
pub fn find_upwards(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Make an empty span visible: cover the character at its start (or the one before at EOF).
fn widen_empty(text: &str, span: Range<usize>) -> Range<usize> {
    if span.start < span.end {
        return span;
    }
    let mut s = span.start.min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    if s < text.len() {
        let e = s + text[s..].chars().next().map_or(0, char::len_utf8);
        s..e
    } else if s > 0 {
        let b = text[..s].chars().next_back().map_or(0, char::len_utf8);
        s - b..s
    } else {
        0..0
    }
}

struct Parser<'a> {
    text: &'a str,
    problems: Vec<ConfigProblem>,
}

const TOP_KEYS: &[&str] = &[
    "include",
    "exclude",
    "max-file-size",
    "rules",
    "lexicons",
    "people",
    "editor",
    "person",
    "event",
];

impl Parser<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String) {
        let span = widen_empty(self.text, span.unwrap_or(0..0));
        self.problems.push(ConfigProblem {
            span,
            severity: Severity::Error,
            message,
        });
    }

    fn warn(&mut self, span: Option<Range<usize>>, message: String) {
        let span = widen_empty(self.text, span.unwrap_or(0..0));
        self.problems.push(ConfigProblem {
            span,
            severity: Severity::Warning,
            message,
        });
    }

    fn unknown_keys(&mut self, table: &Table, known: &[&str], where_: &str) {
        for (key, _) in table.iter() {
            if !known.contains(&key) {
                let span = table.key(key).and_then(|k| k.span());
                let hint = closest(key, known)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.warn(
                    span,
                    format!("unknown key `{key}` in {where_}{hint}; it is ignored"),
                );
            }
        }
    }

    fn config(&mut self, root: &Table) -> Config {
        let mut cfg = Config::default();
        self.unknown_keys(root, TOP_KEYS, "byline.toml");
        if let Some(v) = self.string_list(root, "include") {
            cfg.settings.include = v;
        }
        if let Some(v) = self.string_list(root, "exclude") {
            cfg.settings.exclude = v;
        }
        if let Some(item) = root.get("max-file-size") {
            match item.as_integer() {
                Some(n) if n > 0 => cfg.settings.max_file_size = n as u64,
                _ => self.error(
                    item.span(),
                    "`max-file-size` must be a positive integer (bytes)".into(),
                ),
            }
        }
        if let Some(item) = root.get("rules") {
            match item.as_table_like() {
                Some(t) => {
                    for (code, v) in t.iter() {
                        match v.as_str().and_then(RuleLevel::parse) {
                            Some(l) => {
                                cfg.settings.rules.insert(code.to_string(), l);
                            }
                            None => self.error(
                                v.span(),
                                format!("rule `{code}`: expected \"error\", \"warning\", \"information\", \"hint\" or \"off\""),
                            ),
                        }
                        if !crate::analysis::rules::is_known_rule(code) {
                            let span = t.key(code).and_then(|k| k.span());
                            self.warn(
                                span,
                                format!(
                                    "unknown rule `{code}`; known rules: {}",
                                    crate::analysis::rules::ALL_RULES.join(", ")
                                ),
                            );
                        }
                    }
                }
                None => self.error(item.span(), "`rules` must be a table".into()),
            }
        }
        if let Some(item) = root.get("lexicons") {
            match item.as_table_like() {
                Some(t) => {
                    for (name, v) in t.iter() {
                        if !crate::analysis::lexicon::LEXICON_NAMES.contains(&name) {
                            let span = t.key(name).and_then(|k| k.span());
                            self.warn(
                                span,
                                format!(
                                    "unknown lexicon `{name}`; known lexicons: {}",
                                    crate::analysis::lexicon::LEXICON_NAMES.join(", ")
                                ),
                            );
                        }
                        let Some(pt) = v.as_table_like() else {
                            self.error(
                                v.span(),
                                format!("lexicon `{name}` must be a table with `add`, `remove` or `replace`"),
                            );
                            continue;
                        };
                        let mut patch = LexiconPatch::default();
                        for (k, pv) in pt.iter() {
                            let list = self.item_string_list(pv, k);
                            match k {
                                "add" => patch.add = list.unwrap_or_default(),
                                "remove" => patch.remove = list.unwrap_or_default(),
                                "replace" => patch.replace = list,
                                _ => {
                                    let span = pt.key(k).and_then(|kk| kk.span());
                                    self.warn(span, format!("unknown key `{k}` in lexicon `{name}` (use add, remove or replace)"));
                                }
                            }
                        }
                        cfg.settings.lexicons.insert(name.to_string(), patch);
                    }
                }
                None => self.error(item.span(), "`lexicons` must be a table".into()),
            }
        }
        for section in ["people", "editor"] {
            if let Some(item) = root.get(section) {
                match item.as_table_like() {
                    Some(t) => {
                        for (k, v) in t.iter() {
                            match k {
                                "inlay-hints" | "code-lens" => match v.as_bool() {
                                    Some(b) if k == "inlay-hints" => cfg.settings.inlay_hints = b,
                                    Some(b) => cfg.settings.code_lens = b,
                                    None => self.error(
                                        v.span(),
                                        format!("`{section}.{k}` must be true or false"),
                                    ),
                                },
                                _ => {
                                    let span = t.key(k).and_then(|kk| kk.span());
                                    self.warn(span, format!("unknown key `{k}` in [{section}] (known: inlay-hints, code-lens)"));
                                }
                            }
                        }
                    }
                    None => self.error(item.span(), format!("`{section}` must be a table")),
                }
            }
        }
        if let Some(item) = root.get("person") {
            match item.as_array_of_tables() {
                Some(arr) => {
                    for t in arr.iter() {
                        if let Some(p) = self.person(t) {
                            cfg.people.push(p);
                        }
                    }
                }
                None => self.error(
                    item.span(),
                    "`person` must be an array of tables: write each entry as [[person]]".into(),
                ),
            }
        }
        if let Some(item) = root.get("event") {
            match item.as_array_of_tables() {
                Some(arr) => {
                    for t in arr.iter() {
                        if let Some(e) = self.event(t) {
                            cfg.events.push(e);
                        }
                    }
                }
                None => self.error(
                    item.span(),
                    "`event` must be an array of tables: write each entry as [[event]]".into(),
                ),
            }
        }
        self.duplicate_ids(&cfg);
        cfg
    }

    fn duplicate_ids(&mut self, cfg: &Config) {
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        for p in &cfg.people {
            if seen.insert(&p.id, ()).is_some() {
                self.error(
                    Some(p.span.clone()),
                    format!("duplicate person id `{}`", p.id),
                );
            }
        }
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        for e in &cfg.events {
            if seen.insert(&e.id, ()).is_some() {
                self.error(
                    Some(e.span.clone()),
                    format!("duplicate event id `{}`", e.id),
                );
            }
        }
    }

    fn table_span(&self, t: &Table) -> Range<usize> {
        // The header span of an array-of-tables entry; extend to the last value.
        let start = t.span().map(|s| s.start).unwrap_or(0);
        let end = t
            .iter()
            .filter_map(|(_, v)| v.span())
            .map(|s| s.end)
            .max()
            .unwrap_or_else(|| t.span().map(|s| s.end).unwrap_or(start));
        start..end.max(start)
    }

    fn person(&mut self, t: &Table) -> Option<PersonEntry> {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "aliases",
            "description",
            "roles",
            "links",
            "notes",
        ];
        self.unknown_keys(t, KEYS, "[[person]]");
        let span = self.table_span(t);
        let name = self.required_string(t, "name", "[[person]]", &span)?;
        let name_span = t.get("name").and_then(Item::span).unwrap_or(span.clone());
        let id = self.opt_string(t, "id").unwrap_or_else(|| slug(&name));
        let mut roles = Vec::new();
        if let Some(item) = t.get("roles") {
            let tables: Vec<&dyn toml_edit::TableLike> = if let Some(a) = item.as_array_of_tables()
            {
                a.iter().map(|x| x as &dyn toml_edit::TableLike).collect()
            } else if let Some(a) = item.as_array() {
                let mut v = Vec::new();
                for x in a.iter() {
                    match x.as_inline_table() {
                        Some(it) => v.push(it as &dyn toml_edit::TableLike),
                        None => self.error(
                            x.span(),
                            "each role must be a table {title, organization, from, to}".into(),
                        ),
                    }
                }
                v
            } else {
                self.error(
                    item.span(),
                    "`roles` must be a list of {title, organization, from, to} tables".into(),
                );
                Vec::new()
            };
            for rt in tables {
                if let Some(r) = self.role(rt) {
                    roles.push(r);
                }
            }
        }
        Some(PersonEntry {
            id,
            aliases: self.string_list(t, "aliases").unwrap_or_default(),
            description: self.opt_string(t, "description"),
            links: self.string_list(t, "links").unwrap_or_default(),
            notes: self.opt_string(t, "notes"),
            name,
            roles,
            span,
            name_span,
        })
    }

    fn role(&mut self, t: &dyn toml_edit::TableLike) -> Option<KbRole> {
        const KEYS: &[&str] = &["title", "organization", "from", "to"];
        for (k, _) in t.iter() {
            if !KEYS.contains(&k) {
                let span = t.key(k).and_then(|kk| kk.span());
                self.warn(
                    span,
                    format!("unknown key `{k}` in a role (known: title, organization, from, to)"),
                );
            }
        }
        let title = match t.get("title") {
            Some(v) => match v.as_str() {
                Some(s) => s.to_string(),
                None => {
                    self.error(v.span(), "role `title` must be a string".into());
                    return None;
                }
            },
            None => {
                let span = t.iter().next().and_then(|(_, v)| v.span());
                self.error(span, "a role needs a `title`".into());
                return None;
            }
        };
        let organization = match t.get("organization") {
            Some(v) => match v.as_str() {
                Some(s) => Some(s.to_string()),
                None => {
                    self.error(v.span(), "role `organization` must be a string".into());
                    None
                }
            },
            None => None,
        };
        let from = t.get("from").and_then(|v| self.date(v, "from"));
        let to = t.get("to").and_then(|v| self.date(v, "to"));
        if let (Some(f), Some(tt)) = (from, to) {
            if tt < f {
                self.error(
                    t.get("to").and_then(Item::span),
                    format!("role `{title}` ends ({tt}) before it starts ({f})"),
                );
            }
        }
        Some(KbRole {
            title,
            organization,
            from,
            to,
        })
    }

    fn date(&mut self, item: &Item, key: &str) -> Option<NaiveDate> {
        // Accept TOML local dates (from = 2024-01-31) and strings ("2024-01-31", "2024-01", "2024").
        let raw = match item {
            Item::Value(Value::Datetime(d)) => d.value().to_string(),
            Item::Value(Value::String(s)) => s.value().clone(),
            _ => {
                self.error(
                    item.span(),
                    format!("`{key}` must be a date like 2024-01-31"),
                );
                return None;
            }
        };
        match parse_loose_date(&raw) {
            Some(d) => Some(d),
            None => {
                self.error(
                    item.span(),
                    format!("`{key}`: `{raw}` is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"),
                );
                None
            }
        }
    }

    fn event(&mut self, t: &Table) -> Option<EventEntry> {
        const KEYS: &[&str] = &["id", "name", "date", "place", "participants", "aliases"];
        self.unknown_keys(t, KEYS, "[[event]]");
        let span = self.table_span(t);
        let name = self.required_string(t, "name", "[[event]]", &span)?;
        Some(EventEntry {
            id: self.opt_string(t, "id").unwrap_or_else(|| slug(&name)),
            date: t.get("date").and_then(|v| self.date(v, "date")),
            place: self.opt_string(t, "place"),
            participants: self.string_list(t, "participants").unwrap_or_default(),
            aliases: self.string_list(t, "aliases").unwrap_or_default(),
            name,
            span,
        })
    }

    fn required_string(
        &mut self,
        t: &Table,
        key: &str,
        what: &str,
        span: &Range<usize>,
    ) -> Option<String> {
        match t.get(key) {
            Some(v) => match v.as_str() {
                Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => {
                    self.error(
                        v.span(),
                        format!("`{key}` in {what} must be a non-empty string"),
                    );
                    None
                }
            },
            None => {
                self.error(
                    Some(span.start..(span.start + 1).min(self.text.len())),
                    format!("{what} entry has no `{key}`"),
                );
                None
            }
        }
    }

    fn opt_string(&mut self, t: &Table, key: &str) -> Option<String> {
        let v = t.get(key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(v.span(), format!("`{key}` must be a string"));
                None
            }
        }
    }

    fn string_list(&mut self, t: &Table, key: &str) -> Option<Vec<String>> {
        let v = t.get(key)?;
        self.item_string_list(v, key)
    }

    fn item_string_list(&mut self, v: &Item, key: &str) -> Option<Vec<String>> {
        match v.as_array() {
            Some(a) => {
                let mut out = Vec::new();
                for x in a.iter() {
                    match x.as_str() {
                        Some(s) => out.push(s.to_string()),
                        None => self.error(x.span(), format!("`{key}` must contain only strings")),
                    }
                }
                Some(out)
            }
            None => {
                self.error(
                    v.span(),
                    format!("`{key}` must be a list of strings, like [\"a\", \"b\"]"),
                );
                None
            }
        }
    }
}

/// "2024-01-31", "2024-01" (first of month) or "2024" (1 January).
pub fn parse_loose_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s
        .get(..10)
        .filter(|p| p.len() == 10 && s.len() >= 10)
        .unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if s.len() == 7 {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d") {
            return Some(d);
        }
    }
    if s.len() == 4 {
        if let Ok(y) = s.parse::<i32>() {
            return NaiveDate::from_ymd_opt(y, 1, 1);
        }
    }
    None
}

/// Lowercase ASCII slug for generated ids ("Sergei Ryabkov" → "sergei-ryabkov").
pub fn slug(name: &str) -> String {
    let folded = crate::analysis::lexicon::fold_diacritics(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (crate::analysis::kb::edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, p: &ConfigProblem) -> &'a str {
        &text[p.span.clone()]
    }

    #[test]
    fn full_example_parses() {
        let text = r#"
include = ["**/*.md"]
exclude = ["archive/**"]
max-file-size = 1000

[rules]
weasel-word = "off"
vague-attribution = "error"

[lexicons.weasel-words]
add = ["purportedly"]

[people]
inlay-hints = true

[[person]]
id = "sergei-ryabkov"
name = "Sergei Ryabkov"
aliases = ["Sergei A. Ryabkov"]
description = "Russian diplomat"

[[person.roles]]
title = "Deputy Foreign Minister"
organization = "Russian Foreign Ministry"
from = 2008-08-01

[[person]]
name = "Anne-Marie Descôtes"
roles = [{ title = "Ambassador to Germany", from = "2017", to = "2025-06-30" }]

[[event]]
id = "geneva-2026"
name = "Geneva summit"
date = "2026-03-12"
participants = ["sergei-ryabkov"]
"#;
        let parsed = parse(text);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let c = parsed.config.unwrap();
        assert_eq!(c.settings.include, vec!["**/*.md"]);
        assert_eq!(c.settings.max_file_size, 1000);
        assert_eq!(c.settings.rules["weasel-word"], RuleLevel::Off);
        assert_eq!(
            c.settings.rules["vague-attribution"],
            RuleLevel::On(Severity::Error)
        );
        assert_eq!(c.settings.lexicons["weasel-words"].add, vec!["purportedly"]);
        assert!(c.settings.inlay_hints);
        assert_eq!(c.people.len(), 2);
        assert_eq!(
            c.people[0].roles[0].from,
            NaiveDate::from_ymd_opt(2008, 8, 1)
        );
        assert_eq!(c.people[1].id, "anne-marie-descotes");
        assert_eq!(
            c.people[1].roles[0].to,
            NaiveDate::from_ymd_opt(2025, 6, 30)
        );
        assert_eq!(&text[c.people[0].name_span.clone()], "\"Sergei Ryabkov\"");
        assert!(
            text[c.people[0].span.clone()].contains("Deputy Foreign Minister")
                || text[c.people[0].span.clone()].contains("Sergei")
        );
        assert_eq!(c.events[0].date, NaiveDate::from_ymd_opt(2026, 3, 12));
    }

    #[test]
    fn syntax_error_has_exact_range_and_no_config() {
        let text = "include = [\"a\"\n[rules]\n";
        let parsed = parse(text);
        assert!(parsed.config.is_none());
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].severity, Severity::Error);
        assert!(parsed.problems[0].message.starts_with("TOML syntax error"));
        assert!(parsed.problems[0].span.start >= 10);
    }

    #[test]
    fn wrong_type_points_at_value() {
        let text = "include = \"*.md\"\n";
        let parsed = parse(text);
        assert!(parsed.config.is_none());
        assert_eq!(at(text, &parsed.problems[0]), "\"*.md\"");
        let text = "[rules]\nvague-attribution = \"loud\"\n";
        let parsed = parse(text);
        assert!(parsed.config.is_none());
        assert_eq!(at(text, &parsed.problems[0]), "\"loud\"");
        let text = "[[person]]\nname = \"X Y\"\n[[person.roles]]\ntitle = \"Envoy\"\nfrom = \"last year\"\n";
        let parsed = parse(text);
        assert!(parsed.config.is_none());
        assert_eq!(at(text, &parsed.problems[0]), "\"last year\"");
    }

    #[test]
    fn unknown_key_is_warning_and_config_survives() {
        let text = "inclde = [\"*.md\"]\n[[person]]\nname = \"A B\"\nnickname = \"x\"\n";
        let parsed = parse(text);
        let c = parsed.config.expect("warnings keep the config");
        assert_eq!(c.people.len(), 1);
        assert_eq!(parsed.problems.len(), 2);
        assert!(parsed
            .problems
            .iter()
            .all(|p| p.severity == Severity::Warning));
        assert_eq!(at(text, &parsed.problems[0]), "inclde");
        assert!(parsed.problems[0]
            .message
            .contains("did you mean `include`"));
        assert_eq!(at(text, &parsed.problems[1]), "nickname");
    }

    #[test]
    fn person_without_name_is_error() {
        let text = "[[person]]\nid = \"x\"\n";
        let parsed = parse(text);
        assert!(parsed.config.is_none());
        assert!(parsed.problems[0].message.contains("no `name`"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "\u{0}\u{1}",
            "[[[",
            "= =",
            "a.b.c = 1\na = 2",
            "\u{feff}x=1",
            "[rules]\nx=1",
        ] {
            let _ = parse(text);
        }
    }

    #[test]
    fn json_settings() {
        let v = serde_json::json!({"rules": {"weasel-word": "off"}, "people": {"inlayHints": true}, "maxFileSize": 10, "bogus": 1});
        let (s, msgs) = settings_from_json(&Settings::default(), &v);
        assert_eq!(s.rules["weasel-word"], RuleLevel::Off);
        assert!(s.inlay_hints);
        assert_eq!(s.max_file_size, 10);
        assert_eq!(msgs.len(), 1);
    }

    #[test]
    fn loose_dates() {
        assert_eq!(
            parse_loose_date("2024"),
            NaiveDate::from_ymd_opt(2024, 1, 1)
        );
        assert_eq!(
            parse_loose_date("2024-05"),
            NaiveDate::from_ymd_opt(2024, 5, 1)
        );
        assert_eq!(
            parse_loose_date("2024-05-06T10:00:00Z"),
            NaiveDate::from_ymd_opt(2024, 5, 6)
        );
        assert_eq!(parse_loose_date("May"), None);
    }
}

#[cfg(test)]
mod fuzz_regressions {
    use crate::analysis::{analyze, Context};
    use crate::workspace::ConfigState;

    #[test]
    fn unclosed_inline_table_then_dotted_key() {
        // Found by fuzzing: toml_edit 0.23 panicked ("all items have spans") on this.
        let p = super::parse("pants={[]\npants.");
        assert!(p.config.is_none());
        assert!(!p.problems.is_empty());
    }

    #[test]
    fn empty_lexicon_entries_are_ignored() {
        // Found by fuzzing: an empty entry matched inside multi-byte characters and panicked.
        let p = super::parse("[lexicons.weasel-words]\nadd = [\"\", \"\\tx\"]\n");
        let state = ConfigState::from_config(None, p.config.unwrap(), p.problems);
        let ctx = Context {
            kb: &state.kb,
            lexicons: &state.lexicons,
            rules: &state.rules,
            fallback_date: None,
        };
        let a = analyze("GENEVA — It reportedly failed.", &ctx);
        assert!(a.findings.iter().any(|f| f.code == "weasel-word"));
    }
}
