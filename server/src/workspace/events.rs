//! Cross-article event linking (replaced by the events work; this version links by KB id only).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::analysis::kb::KbIndex;
use crate::analysis::EventMention;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    pub key: String,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub place: Option<String>,
    pub participants: Vec<String>,
    pub kb_id: Option<String>,
    pub files: usize,
}

#[derive(Debug, Default)]
pub struct EventIndex {
    files: HashMap<u32, Vec<Option<String>>>,
    by_key: HashMap<String, BTreeSet<(u32, usize)>>,
    names: HashMap<String, EventSummary>,
}

impl EventIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update_file(
        &mut self,
        file: u32,
        events: &[EventMention],
        _article_date: Option<NaiveDate>,
        kb: &KbIndex,
    ) {
        self.remove_file(file);
        let mut keys = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let key = e.kb_id.as_ref().map(|id| format!("kb:{id}"));
            if let Some(k) = &key {
                self.by_key.entry(k.clone()).or_default().insert((file, i));
                let entry = e.kb_id.as_deref().and_then(|id| kb.event_by_id(id));
                self.names.entry(k.clone()).or_insert_with(|| EventSummary {
                    key: k.clone(),
                    name: entry.map_or(e.text.clone(), |x| x.name.clone()),
                    date: entry.and_then(|x| x.date).or(e.date),
                    place: entry.and_then(|x| x.place.clone()).or(e.place.clone()),
                    participants: entry.map(|x| x.participants.clone()).unwrap_or_default(),
                    kb_id: e.kb_id.clone(),
                    files: 0,
                });
            }
            keys.push(key);
        }
        self.files.insert(file, keys);
    }

    pub fn remove_file(&mut self, file: u32) {
        if let Some(keys) = self.files.remove(&file) {
            for (i, k) in keys.into_iter().enumerate().filter_map(|(i, k)| Some((i, k?))) {
                if let Some(s) = self.by_key.get_mut(&k) {
                    s.remove(&(file, i));
                    if s.is_empty() {
                        self.by_key.remove(&k);
                        self.names.remove(&k);
                    }
                }
            }
        }
    }

    pub fn cluster_of(&self, file: u32, mention: usize) -> Option<String> {
        self.files.get(&file)?.get(mention)?.clone()
    }

    pub fn mentions(&self, key: &str) -> Vec<(u32, usize)> {
        self.by_key
            .get(key)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    pub fn clusters(&self) -> Vec<String> {
        let mut v: Vec<String> = self.by_key.keys().cloned().collect();
        v.sort();
        v
    }

    pub fn summary(&self, key: &str) -> Option<EventSummary> {
        let mut s = self.names.get(key)?.clone();
        let mut files: Vec<u32> = self.mentions(key).into_iter().map(|(f, _)| f).collect();
        files.dedup();
        s.files = files.len();
        Some(s)
    }
}
