//! Cross-file people index (replaced by the people work; this version clusters by KB id or
//! exact full name and resolves bare surnames to the unique full name in the workspace).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analysis::kb::{name_key, KbIndex};
use crate::analysis::{PersonMention, PersonRole};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Person(String),
    Ambiguous(Vec<String>),
    Unknown,
}

#[derive(Debug, Default)]
pub struct PeopleIndex {
    /// file → per-mention local key ("kb:id", "name:<key>", "author:<key>" or "?surname").
    files: HashMap<u32, Vec<String>>,
    /// local key → (file, mention) set.
    by_key: HashMap<String, BTreeSet<(u32, usize)>>,
    /// surname → full-name cluster keys with that surname.
    by_surname: HashMap<String, BTreeMap<String, usize>>,
    display: HashMap<String, String>,
}

fn local_key(m: &PersonMention) -> String {
    if let Some(id) = &m.kb_id {
        return format!("kb:{id}");
    }
    match (m.role, m.resolved) {
        (PersonRole::Author | PersonRole::Credit, _) => format!("author:{}", name_key(&m.name)),
        (_, true) => format!("name:{}", name_key(&m.name)),
        (_, false) => format!("?{}", m.surname),
    }
}

impl PeopleIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update_file(&mut self, file: u32, people: &[PersonMention], kb: &KbIndex) {
        self.remove_file(file);
        let mut keys = Vec::with_capacity(people.len());
        for (i, m) in people.iter().enumerate() {
            let key = local_key(m);
            if !key.starts_with('?') {
                *self
                    .by_surname
                    .entry(m.surname.clone())
                    .or_default()
                    .entry(key.clone())
                    .or_default() += 1;
                self.display.entry(key.clone()).or_insert_with(|| {
                    m.kb_id
                        .as_deref()
                        .and_then(|id| kb.person_by_id(id))
                        .map_or(m.name.clone(), |p| p.name.clone())
                });
            }
            self.by_key.entry(key.clone()).or_default().insert((file, i));
            keys.push(key);
        }
        self.files.insert(file, keys);
    }

    pub fn remove_file(&mut self, file: u32) {
        let Some(keys) = self.files.remove(&file) else {
            return;
        };
        for (i, key) in keys.iter().enumerate() {
            if let Some(set) = self.by_key.get_mut(key) {
                set.remove(&(file, i));
                if set.is_empty() {
                    self.by_key.remove(key);
                    self.display.remove(key);
                }
            }
            if !key.starts_with('?') {
                for m in self.by_surname.values_mut() {
                    if let Some(n) = m.get_mut(key) {
                        *n -= 1;
                        if *n == 0 {
                            m.remove(key);
                        }
                        break;
                    }
                }
            }
        }
    }

    fn surname_candidates(&self, surname: &str) -> Vec<String> {
        self.by_surname
            .get(surname)
            .map(|m| m.keys().filter(|k| !k.starts_with("author:")).cloned().collect())
            .unwrap_or_default()
    }

    pub fn resolve(&self, file: u32, mention: usize) -> Resolution {
        let Some(key) = self.files.get(&file).and_then(|k| k.get(mention)) else {
            return Resolution::Unknown;
        };
        match key.strip_prefix('?') {
            None => Resolution::Person(key.clone()),
            Some(surname) => {
                let c = self.surname_candidates(surname);
                match c.len() {
                    0 => Resolution::Person(key.clone()),
                    1 => Resolution::Person(c[0].clone()),
                    _ => Resolution::Ambiguous(c),
                }
            }
        }
    }

    pub fn mentions(&self, key: &str) -> Vec<(u32, usize)> {
        let mut out: Vec<(u32, usize)> = self
            .by_key
            .get(key)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        // Bare surnames that resolve uniquely to this person.
        if !key.starts_with('?') {
            for (surname, keys) in &self.by_surname {
                if keys.contains_key(key) && self.surname_candidates(surname).len() == 1 {
                    if let Some(s) = self.by_key.get(&format!("?{surname}")) {
                        out.extend(s.iter().copied());
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn clusters(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .by_key
            .keys()
            .filter(|k| !k.starts_with('?') || self.surname_candidates(&k[1..]).is_empty())
            .cloned()
            .collect();
        v.sort();
        v
    }

    pub fn display_name(&self, key: &str) -> Option<String> {
        self.display.get(key).cloned().or_else(|| {
            let s = key.strip_prefix('?')?;
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect())
        })
    }

    pub fn kb_id(&self, key: &str) -> Option<String> {
        key.strip_prefix("kb:").map(str::to_string)
    }

    pub fn files_mentioning(&self, key: &str) -> usize {
        let mut files: Vec<u32> = self.mentions(key).into_iter().map(|(f, _)| f).collect();
        files.dedup();
        files.len()
    }

    pub fn name_variants(
        &self,
        _file: u32,
        _people: &[PersonMention],
        _kb: &KbIndex,
    ) -> Vec<(usize, String)> {
        Vec::new()
    }
}
