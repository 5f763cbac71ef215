//! `byline index --format json`: every person and event cluster across the given paths, with
//! all mentions. Contract: `{"version":1,"people":[C...],"events":[C...]}`,
//! C = `{"id","name","roles":[str],"mentions":[{"path","range","text"}]}`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::json;

use super::Loaded;
use crate::config::slug;
use crate::lsp::convert::Text;
use crate::lsp::position::Encoding;
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
    json!({"version": 1, "people": people, "events": events})
}
