//! `byline index --format json`: every person and event cluster across the given paths, with
//! all mentions, and every attribution (who said what). Contract:
//! `{"version":1,"people":[C...],"events":[C...],"attributions":[A...]}`,
//! C = `{"id","name","roles":[str],"mentions":[{"path","range","text"}]}`,
//! A = `{"path","source":{"range","text","kind","person"?}|null,"cue":{"range","text"},
//! "content":{"range"},"form"}` (see `attribution_json`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::json;

use super::Loaded;
use crate::analysis::{Attribution, FileAnalysis};
use crate::config::slug;
use crate::lsp::convert::Text;
use crate::lsp::position::Encoding;
use crate::workspace::people::Resolution;
use crate::workspace::{FileId, Location};

/// Stable, readable cluster ids: the KB id, else a slug of the name; made unique.
fn make_id(key: &str, name: &str, used: &mut HashSet<String>) -> String {
    let base = if let Some(id) = key.strip_prefix("kb:") {
        id.to_string()
    } else if key.starts_with("author:") {
        format!("author-{}", slug(name))
    } else {
        let s = slug(name);
        if s.is_empty() {
            "unnamed".to_string()
        } else {
            s
        }
    };
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

pub fn index_json(loaded: &Loaded) -> serde_json::Value {
    let ws = &loaded.workspace;
    let mut texts: HashMap<FileId, (String, Arc<str>)> = HashMap::new();
    let mut mentions_json = |locs: &[Location]| -> Vec<serde_json::Value> {
        let mut by_file: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        for l in locs {
            let (display, text) = texts
                .entry(l.file)
                .or_insert_with(|| {
                    let text = ws
                        .file(l.file)
                        .map(|f| f.text.clone())
                        .unwrap_or_else(|| Arc::from(""));
                    (loaded.display(&l.path), text)
                })
                .clone();
            let t = Text::new(&text, Encoding::Utf16);
            by_file.entry(display.clone()).or_default().push(json!({
                "path": display,
                "range": t.range(&l.span),
                "text": text.get(l.span.clone()).unwrap_or(""),
            }));
        }
        by_file.into_values().flatten().collect()
    };
    let mut used = HashSet::new();
    let mut people = Vec::new();
    let mut person_ids: HashMap<String, String> = HashMap::new();
    for key in ws.person_clusters() {
        let locs = ws.person_mentions(&key);
        if locs.is_empty() {
            continue;
        }
        let info = ws.person_info(&key, None);
        let mut roles: Vec<String> = Vec::new();
        if let Some(kb) = &info.kb {
            roles.extend(kb.roles.iter().map(|r| match &r.organization {
                Some(o) => format!("{} ({o})", r.title),
                None => r.title.clone(),
            }));
        }
        for g in &info.roles {
            if !roles.contains(&g.text) {
                roles.push(g.text.clone());
            }
        }
        let id = make_id(&key, &info.name, &mut used);
        person_ids.insert(key.clone(), id.clone());
        people.push(json!({
            "id": id,
            "name": info.name,
            "roles": roles,
            "mentions": mentions_json(&locs),
        }));
    }
    let mut events = Vec::new();
    let mut used = HashSet::new();
    for key in ws.event_clusters() {
        let locs = ws.event_mentions(&key);
        if locs.is_empty() {
            continue;
        }
        let Some(s) = ws.event_summary(&key) else {
            continue;
        };
        let id = make_id(&key, &s.name, &mut used);
        let mut roles = Vec::new();
        if let Some(d) = s.date {
            roles.push(format!("date: {d}"));
        }
        if let Some(p) = &s.place {
            roles.push(format!("place: {p}"));
        }
        events.push(json!({
            "id": id,
            "name": s.name,
            "roles": roles,
            "mentions": mentions_json(&locs),
        }));
    }
    let sort = |v: &mut Vec<serde_json::Value>| {
        v.sort_by(|a, b| {
            let first = |x: &serde_json::Value| {
                let m = &x["mentions"][0];
                (
                    m["path"].as_str().unwrap_or("").to_string(),
                    m["range"]["start"]["line"].as_u64().unwrap_or(0),
                    m["range"]["start"]["character"].as_u64().unwrap_or(0),
                    x["id"].as_str().unwrap_or("").to_string(),
                )
            };
            first(a).cmp(&first(b))
        })
    };
    sort(&mut people);
    sort(&mut events);
    let attributions = attributions_json(loaded, &person_ids);
    json!({"version": 1, "people": people, "events": events, "attributions": attributions})
}

/// Every attribution of every file, files in display-path order, attributions in text order.
fn attributions_json(
    loaded: &Loaded,
    person_ids: &HashMap<String, String>,
) -> Vec<serde_json::Value> {
    let ws = &loaded.workspace;
    let mut files: Vec<(String, Arc<crate::workspace::FileEntry>)> = ws
        .all_files()
        .into_iter()
        .map(|f| (loaded.display(&f.path), f))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (display, f) in files {
        let t = Text::new(&f.text, Encoding::Utf16);
        let person_id = |mention: usize| match ws.person_resolution(f.id, mention) {
            Resolution::Person(key) => person_ids.get(&key).cloned(),
            _ => None,
        };
        for a in &f.analysis.attributions {
            out.push(attribution_json(
                &display,
                &f.text,
                &t,
                &f.analysis,
                a,
                &person_id,
            ));
        }
    }
    out
}

/// One attribution. `source` is `null` when the claim has no agent at all ("it is believed");
/// `kind` is one of `named_person`, `named_org`, `pronoun`, `description`,
/// `unnamed_official`, `vague_group`; `person` is the id of the person cluster the source
/// resolves to (pronouns included). `form`: `direct` (the content is one quotation), `mixed`
/// (it contains one), `indirect`.
fn attribution_json(
    display: &str,
    text: &str,
    t: &Text<'_>,
    analysis: &FileAnalysis,
    a: &Attribution,
    person_id: &dyn Fn(usize) -> Option<String>,
) -> serde_json::Value {
    let slice = |s: &crate::analysis::Span| text.get(s.clone()).unwrap_or("");
    let source = match a.source_class() {
        None => serde_json::Value::Null,
        Some(kind) => {
            let mut src = json!({
                "range": t.range(&a.source),
                "text": slice(&a.source),
                "kind": kind,
            });
            if let Some(id) = speaker_mention(analysis, a).and_then(person_id) {
                src["person"] = json!(id);
            }
            src
        }
    };
    json!({
        "path": display,
        "source": source,
        "cue": {"range": t.range(&a.cue), "text": slice(&a.cue)},
        "content": {"range": t.range(&a.content)},
        "form": form(analysis, a),
    })
}

/// The index of the person mention an attribution's source stands for.
fn speaker_mention(analysis: &FileAnalysis, a: &Attribution) -> Option<usize> {
    let m = analysis.speaker_mention(a)?;
    analysis.people.iter().position(|p| std::ptr::eq(p, m))
}

/// `direct` when the content is one quotation, `mixed` when it contains one, else `indirect`.
fn form(analysis: &FileAnalysis, a: &Attribution) -> &'static str {
    let c = &a.content;
    let inside: Vec<&crate::analysis::Quote> = analysis
        .quotes
        .iter()
        .filter(|q| q.span.start < c.end && c.start < q.span.end)
        .collect();
    if inside.is_empty() || c.is_empty() {
        return "indirect";
    }
    let covered: usize = inside
        .iter()
        .map(|q| q.span.end.min(c.end) - q.span.start.max(c.start))
        .sum();
    if covered * 10 >= (c.end - c.start) * 9 {
        "direct"
    } else {
        "mixed"
    }
}
