//! The cross-file people index: which mentions in which files are the same person.
//!
//! Every file contributes its `PersonMention`s. A mention links either *directly* to a cluster
//! key (KB person, full name, author) or, for a bare surname the article itself could not
//! resolve, to its surname; bare surnames are resolved at query time against the people the
//! whole workspace knows with that surname (full-name clusters and KB people), so adding or
//! removing one file never rewrites other files' entries.
//!
//! Keys:
//! - `kb:<id>`: a knowledge-base person;
//! - `sergei ryabkov`: a normalised full name (lower case, diacritics folded, initials dropped);
//! - `author:<normalised name>`: bylines and credits (people too, kept apart from subjects);
//! - `surname:<surname>`: bare surnames with no unique full-name person in the workspace
//!   (unknown or ambiguous), grouped by surname so they are still listed.
//!
//! Costs: `update_file`/`remove_file` are O(mentions of that file); `resolve` is O(1);
//! `mentions` is O(mentions of that person); `clusters` is O(clusters).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::analysis::kb::KbTarget;
use crate::analysis::kb::{name_key, surname_of};
use crate::analysis::{KbIndex, MentionForm, PersonMention, PersonRole, Str};

/// Who a mention refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A cluster key (see the module docs). Unresolved bare surnames with no candidate at all
    /// resolve to their `surname:` cluster.
    Person(String),
    /// A bare surname shared by several known people (their keys, sorted).
    Ambiguous(Vec<String>),
    /// No such file or mention.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Link {
    Direct(Str),
    Bare(Str),
}

#[derive(Debug, Default)]
pub struct PeopleIndex {
    /// Per file, per mention index: where the mention links.
    files: HashMap<u32, Vec<Link>>,
    /// Cluster key → its direct mentions.
    direct: HashMap<String, BTreeSet<(u32, usize)>>,
    /// Surname → bare-surname mentions.
    bare: HashMap<String, BTreeSet<(u32, usize)>>,
    /// Surname → subject cluster keys having it, with direct mention counts.
    surname_keys: HashMap<String, HashMap<String, u32>>,
    /// Cluster key → its surname.
    key_surname: HashMap<String, String>,
    /// Cluster key → spelling → count (for display names).
    spellings: HashMap<String, HashMap<String, u32>>,
    /// KB people: surname → keys, key → display name (from the last `set_kb`).
    kb_surnames: HashMap<String, Vec<String>>,
    kb_names: HashMap<String, String>,
    kb_people: usize,
    /// One-deletion neighbourhood of known surnames (for `name_variants`): variant → surnames.
    deletions: HashMap<String, HashSet<String>>,
    /// Memo of `files_mentioning` (a popular person has thousands of mentions and
    /// `name_variants` asks for every full name in a file); emptied by every change.
    files_memo: std::sync::Mutex<HashMap<String, usize>>,
    /// One shared copy of each link key (a file's links hold these, one per mention).
    link_keys: HashSet<Str>,
    /// Bumped by every change (files or KB), for caches of answers derived from the index.
    generation: u64,
}

/// Normalised full-name key: lower case, diacritics folded, dots and initials dropped.
pub fn full_key(name: &str) -> String {
    let folded = name_key(name);
    let mut out = String::with_capacity(folded.len());
    for w in folded.split_whitespace() {
        let w = w.trim_matches(|c: char| c == '.' || c == ',');
        if w.chars().count() <= 1 {
            continue; // initials
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        folded
    } else {
        out
    }
}

fn surname_key(name: &str) -> String {
    name_key(surname_of(name).trim_end_matches(['.', ',']))
}

impl PeopleIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record the knowledge base's people (call when `byline.toml` changes; O(KB)).
    /// `update_file` calls it when the KB's size changed since the last call.
    pub fn set_kb(&mut self, kb: &KbIndex) {
        self.forget_memo();
        let old: Vec<String> = self.kb_surnames.keys().cloned().collect();
        self.kb_surnames.clear();
        self.kb_names.clear();
        for p in &kb.people {
            let key = format!("kb:{}", p.id);
            let s = surname_key(&p.name);
            self.kb_surnames
                .entry(s.clone())
                .or_default()
                .push(key.clone());
            self.key_surname.insert(key.clone(), s);
            self.kb_names.insert(key, p.name.clone());
        }
        for s in old {
            if !self.kb_surnames.contains_key(&s) {
                self.unindex_surname_if_unused(&s);
            }
        }
        let new: Vec<String> = self.kb_surnames.keys().cloned().collect();
        for s in new {
            self.index_surname(&s);
        }
        self.kb_people = kb.people.len();
    }

    /// Replace `file`'s contributions with `people` (its current analysis).
    pub fn update_file(&mut self, file: u32, people: &[PersonMention], kb: &KbIndex) {
        self.forget_memo();
        if kb.people.len() != self.kb_people {
            self.set_kb(kb);
        }
        self.remove_file(file);
        let mut links = Vec::with_capacity(people.len());
        for (i, m) in people.iter().enumerate() {
            let link = match link_of(m) {
                (true, k) => Link::Direct(self.link_key(k)),
                (false, k) => Link::Bare(self.link_key(k)),
            };
            match &link {
                Link::Direct(key) => {
                    self.direct
                        .entry(key.to_string())
                        .or_default()
                        .insert((file, i));
                    *self
                        .spellings
                        .entry(key.to_string())
                        .or_default()
                        .entry(m.name.to_string())
                        .or_default() += 1;
                    if m.role == PersonRole::Subject {
                        let s = if m.surname.is_empty() {
                            surname_key(&m.name)
                        } else {
                            m.surname.to_string()
                        };
                        self.key_surname
                            .entry(key.to_string())
                            .or_insert_with(|| s.clone());
                        let s = self.key_surname[&**key].clone();
                        let e = self.surname_keys.entry(s.clone()).or_default();
                        let fresh = e.is_empty();
                        *e.entry(key.to_string()).or_default() += 1;
                        if fresh {
                            self.index_surname(&s);
                        }
                    }
                }
                Link::Bare(s) => {
                    self.bare
                        .entry(s.to_string())
                        .or_default()
                        .insert((file, i));
                }
            }
            links.push(link);
        }
        self.files.insert(file, links);
    }

    /// Forget everything `file` contributed.
    pub fn remove_file(&mut self, file: u32) {
        self.forget_memo();
        let Some(links) = self.files.remove(&file) else {
            return;
        };
        for (i, link) in links.into_iter().enumerate() {
            match link {
                Link::Direct(key) => {
                    if let Some(set) = self.direct.get_mut(&*key) {
                        set.remove(&(file, i));
                        if set.is_empty() {
                            self.direct.remove(&*key);
                            self.spellings.remove(&*key);
                        }
                    }
                    if let Some(s) = self.key_surname.get(&*key).cloned() {
                        if let Some(e) = self.surname_keys.get_mut(&*s) {
                            if let Some(c) = e.get_mut(&*key) {
                                *c -= 1;
                                if *c == 0 {
                                    e.remove(&*key);
                                }
                            }
                            if e.is_empty() {
                                self.surname_keys.remove(&*s);
                                self.unindex_surname_if_unused(&s);
                            }
                        }
                        if !self.direct.contains_key(&*key) && !key.starts_with("kb:") {
                            self.key_surname.remove(&*key);
                        }
                    }
                }
                Link::Bare(s) => {
                    if let Some(set) = self.bare.get_mut(&*s) {
                        set.remove(&(file, i));
                        if set.is_empty() {
                            self.bare.remove(&*s);
                        }
                    }
                }
            }
        }
        // Spelling counts are approximate after removals (display only); keep them bounded.
    }

    /// Known people (subject clusters and KB) with surname `s`.
    fn candidates(&self, s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        if let Some(e) = self.surname_keys.get(s) {
            v.extend(e.keys().map(String::as_str));
        }
        if let Some(k) = self.kb_surnames.get(s) {
            for key in k {
                if !v.contains(&key.as_str()) {
                    v.push(key);
                }
            }
        }
        v.sort_unstable();
        v
    }

    fn resolve_surname(&self, s: &str) -> Resolution {
        let c = self.candidates(s);
        match c.len() {
            0 => Resolution::Person(format!("surname:{s}")),
            1 => Resolution::Person(c[0].to_string()),
            _ => Resolution::Ambiguous(c.into_iter().map(str::to_string).collect()),
        }
    }

    /// Who mention `mention` of `file` refers to.
    pub fn resolve(&self, file: u32, mention: usize) -> Resolution {
        match self.files.get(&file).and_then(|l| l.get(mention)) {
            Some(Link::Direct(k)) => Resolution::Person(k.to_string()),
            Some(Link::Bare(s)) => self.resolve_surname(s),
            None => Resolution::Unknown,
        }
    }

    /// Every mention of the person `key` in every file, sorted by (file, mention index).
    pub fn mentions(&self, key: &str) -> Vec<(u32, usize)> {
        if let Some(s) = key.strip_prefix("surname:") {
            let unresolved = self.candidates(s).len() != 1;
            return match self.bare.get(s) {
                Some(set) if unresolved => set.iter().copied().collect(),
                _ => Vec::new(),
            };
        }
        let direct = self.direct.get(key);
        let bare = self
            .key_surname
            .get(key)
            .filter(|s| {
                let c = self.candidates(s);
                c.len() == 1 && c[0] == key
            })
            .and_then(|s| self.bare.get(s));
        match (direct, bare) {
            (Some(d), None) => d.iter().copied().collect(),
            (None, Some(b)) => b.iter().copied().collect(),
            (None, None) => Vec::new(),
            (Some(d), Some(b)) => {
                let mut out = Vec::with_capacity(d.len() + b.len());
                let (mut x, mut y) = (d.iter().peekable(), b.iter().peekable());
                loop {
                    match (x.peek(), y.peek()) {
                        (Some(a), Some(c)) => {
                            if a <= c {
                                out.push(**a);
                                x.next();
                            } else {
                                out.push(**c);
                                y.next();
                            }
                        }
                        (Some(a), None) => {
                            out.push(**a);
                            x.next();
                        }
                        (None, Some(c)) => {
                            out.push(**c);
                            y.next();
                        }
                        (None, None) => break,
                    }
                }
                out
            }
        }
    }

    /// All cluster keys with at least one mention (sorted).
    pub fn clusters(&self) -> Vec<String> {
        let mut v: Vec<String> = self.direct.keys().cloned().collect();
        for s in self.bare.keys() {
            let c = self.candidates(s);
            if c.len() != 1 {
                v.push(format!("surname:{s}"));
            } else if !self.direct.contains_key(c[0]) {
                // A KB person known only by surname mentions.
                v.push(c[0].to_string());
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// How to show the person: KB name, else the most frequent spelling.
    pub fn display_name(&self, key: &str) -> Option<String> {
        if let Some(n) = self.kb_names.get(key) {
            return Some(n.clone());
        }
        if let Some(sp) = self.spellings.get(key) {
            return sp
                .iter()
                .filter(|(_, &c)| c > 0)
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then(b.0.len().cmp(&a.0.len()))
                        .then(b.0.cmp(a.0))
                })
                .map(|(n, _)| n.clone());
        }
        if let Some(s) = key.strip_prefix("surname:") {
            let (f, i) = *self.bare.get(s)?.iter().next()?;
            let _ = (f, i);
            let mut chars = s.chars();
            return chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect());
        }
        None
    }

    pub fn kb_id(&self, key: &str) -> Option<String> {
        key.strip_prefix("kb:").map(str::to_string)
    }

    /// Number of distinct files mentioning the person.
    fn link_key(&mut self, k: String) -> Str {
        if let Some(x) = self.link_keys.get(k.as_str()) {
            return x.clone();
        }
        let x: Str = k.into();
        self.link_keys.insert(x.clone());
        x
    }

    /// Changes whenever the index does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn forget_memo(&mut self) {
        self.generation += 1;
        self.files_memo
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// How many files mention the person `key` (directly or by a surname only they have).
    pub fn files_mentioning(&self, key: &str) -> usize {
        let memo = |m: &mut HashMap<String, usize>| m.get(key).copied();
        if let Some(n) = memo(&mut self.files_memo.lock().unwrap_or_else(|e| e.into_inner())) {
            return n;
        }
        let n = self.count_files(key);
        self.files_memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), n);
        n
    }

    fn count_files(&self, key: &str) -> usize {
        let mut last = None;
        let mut n = 0;
        for (f, _) in self.mentions(key) {
            if last != Some(f) {
                n += 1;
                last = Some(f);
            }
        }
        n
    }

    fn index_surname(&mut self, s: &str) {
        for d in deletions(s) {
            self.deletions.entry(d).or_default().insert(s.to_string());
        }
    }

    fn unindex_surname_if_unused(&mut self, s: &str) {
        if self.surname_keys.contains_key(s) || self.kb_surnames.contains_key(s) {
            return;
        }
        for d in deletions(s) {
            if let Some(set) = self.deletions.get_mut(&d) {
                set.remove(s);
                if set.is_empty() {
                    self.deletions.remove(&d);
                }
            }
        }
    }

    /// Surnames within edit distance 1 of `s` (excluding `s`).
    fn near_surnames(&self, s: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut probe = deletions(s);
        probe.push(s.to_string());
        for d in probe {
            if let Some(set) = self.deletions.get(&d) {
                for t in set {
                    if t != s && !out.contains(t) && edit_distance(s, t) == 1 {
                        out.push(t.clone());
                    }
                }
            }
        }
        out.sort();
        out
    }

    fn first_word(key: &str) -> &str {
        key.split(' ').next().unwrap_or("")
    }

    /// Mentions of `file` spelled slightly differently from a known person ("Sergey Ryabkov"
    /// vs "Sergei Ryabkov"): (mention index, the known spelling). Known = a KB person, or a
    /// cluster mentioned in more files than this spelling.
    pub fn name_variants(
        &self,
        file: u32,
        people: &[PersonMention],
        kb: &KbIndex,
    ) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, m) in people.iter().enumerate() {
            if m.form != MentionForm::FullName || m.role != PersonRole::Subject {
                continue;
            }
            // Resolved to a KB person although spelled differently from its name and aliases.
            if let Some(id) = &m.kb_id {
                if let Some(KbTarget::Person(pi)) = kb.by_id(id) {
                    let p = &kb.people[pi];
                    let surface = full_key(&m.text);
                    if surface != full_key(&p.name)
                        && !p.aliases.iter().any(|a| full_key(a) == surface)
                    {
                        out.push((i, p.name.clone()));
                    }
                }
                continue;
            }
            let key = full_key(&m.name);
            let own_files = self.files_mentioning(&key).max(1);
            let first = Self::first_word(&key);
            let s = surname_key(&m.name);
            let established =
                |k: &str| k.starts_with("kb:") || self.files_mentioning(k) > own_files;
            let mut found: Option<String> = None;
            // Same surname, first name within a small edit distance.
            for k in self.candidates(&s) {
                if k == key || !established(k) {
                    continue;
                }
                let other = self.display_name(k).unwrap_or_default();
                let of = full_key(&other);
                let ofirst = Self::first_word(&of);
                let d = edit_distance(first, ofirst);
                if (1..=2).contains(&d) && first.chars().count() >= 4 && ofirst.chars().count() >= 4
                {
                    found = Some(other);
                    break;
                }
            }
            // Same first name, surname one edit away from a known person's.
            if found.is_none() && s.chars().count() >= 4 {
                'outer: for t in self.near_surnames(&s) {
                    for k in self.candidates(&t) {
                        if !established(k) {
                            continue;
                        }
                        let other = self.display_name(k).unwrap_or_default();
                        if Self::first_word(&full_key(&other)) == first {
                            found = Some(other);
                            break 'outer;
                        }
                    }
                }
            }
            if let Some(f) = found {
                out.push((i, f));
            }
        }
        let _ = file;
        out
    }
}

/// Where a mention links: (true, cluster key) or (false, bare surname).
fn link_of(m: &PersonMention) -> (bool, String) {
    if let Some(id) = &m.kb_id {
        return (true, format!("kb:{id}"));
    }
    if m.role != PersonRole::Subject {
        return (true, format!("author:{}", full_key(&m.name)));
    }
    if m.resolved {
        return (true, full_key(&m.name));
    }
    let s = if m.surname.is_empty() {
        surname_key(&m.name)
    } else {
        m.surname.to_string()
    };
    (false, s)
}

fn deletions(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() > 30 {
        return Vec::new();
    }
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect()
}

pub use crate::analysis::kb::edit_distance;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSettings;
    use crate::analysis::{people, Context, Document, Lexicons};
    use crate::config::PersonEntry;

    fn analyse(t: &str, kb: &KbIndex) -> Vec<PersonMention> {
        let lex = Lexicons::default();
        let rules = RuleSettings::default();
        let ctx = Context {
            kb,
            lexicons: &lex,
            rules: &rules,
            fallback_date: None,
        };
        people::find_people(&Document::parse(t, None), &ctx)
    }

    fn person(id: &str, name: &str) -> PersonEntry {
        PersonEntry {
            id: id.into(),
            name: name.into(),
            aliases: vec![],
            description: None,
            roles: vec![],
            links: vec![],
            notes: None,
            span: 0..0,
            name_span: 0..0,
        }
    }

    /// Three files: a full name, a bare surname, and two people sharing a surname.
    fn three(kb: &KbIndex) -> (PeopleIndex, Vec<Vec<PersonMention>>) {
        let texts = [
            "Deputy Foreign Minister Sergei Ryabkov said the talks were useful. Ryabkov left early.",
            "Some say Ryabkov, who has been sidelined, was not consulted. Thorsen, who chairs the committee, said nothing.",
            "Energy Minister Mikkel Thorsen rejected that. His cousin, the singer Anna Thorsen, said he was right.",
        ];
        let mut idx = PeopleIndex::new();
        let mut all = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let p = analyse(t, kb);
            idx.update_file(i as u32, &p, kb);
            all.push(p);
        }
        (idx, all)
    }

    #[test]
    fn bare_surnames_resolve_across_files() {
        let kb = KbIndex::default();
        let (idx, all) = three(&kb);
        // File 1, "Ryabkov" (unresolved in the article) → the unique Ryabkov of the workspace.
        let i = all[1].iter().position(|m| &*m.text == "Ryabkov").unwrap();
        assert_eq!(
            idx.resolve(1, i),
            Resolution::Person("sergei ryabkov".into())
        );
        let ms = idx.mentions("sergei ryabkov");
        assert_eq!(ms, vec![(0, 0), (0, 1), (1, i)]);
        assert_eq!(idx.files_mentioning("sergei ryabkov"), 2);
        assert_eq!(
            idx.display_name("sergei ryabkov").as_deref(),
            Some("Sergei Ryabkov")
        );
        // "Thorsen" in file 1 is ambiguous: two Thorsens in file 2.
        let j = all[1].iter().position(|m| &*m.text == "Thorsen").unwrap();
        match idx.resolve(1, j) {
            Resolution::Ambiguous(keys) => assert_eq!(
                keys,
                vec!["anna thorsen".to_string(), "mikkel thorsen".to_string()]
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(idx.mentions("surname:thorsen"), vec![(1, j)]);
        assert!(idx.clusters().contains(&"surname:thorsen".to_string()));
        assert_eq!(idx.resolve(9, 0), Resolution::Unknown);
        assert_eq!(idx.resolve(0, 99), Resolution::Unknown);
    }

    #[test]
    fn update_and_remove_replace_contributions() {
        let kb = KbIndex::default();
        let (mut idx, all) = three(&kb);
        // Removing the only full-name Ryabkov leaves the bare surnames in a surname cluster.
        idx.remove_file(0);
        let i = all[1].iter().position(|m| &*m.text == "Ryabkov").unwrap();
        assert_eq!(
            idx.resolve(1, i),
            Resolution::Person("surname:ryabkov".into())
        );
        assert!(idx.mentions("sergei ryabkov").is_empty());
        assert!(!idx.clusters().contains(&"sergei ryabkov".to_string()));
        // Removing one Thorsen makes the surname unique again.
        let p = analyse("Energy Minister Mikkel Thorsen rejected that.", &kb);
        idx.update_file(2, &p, &kb);
        let j = all[1].iter().position(|m| &*m.text == "Thorsen").unwrap();
        assert_eq!(
            idx.resolve(1, j),
            Resolution::Person("mikkel thorsen".into())
        );
        assert_eq!(idx.mentions("mikkel thorsen"), vec![(1, j), (2, 0)]);
        // Updating a file twice does not duplicate anything.
        idx.update_file(2, &p, &kb);
        assert_eq!(idx.mentions("mikkel thorsen").len(), 2);
        idx.remove_file(1);
        idx.remove_file(2);
        assert!(idx.clusters().is_empty(), "{:?}", idx.clusters());
    }

    #[test]
    fn kb_people_and_authors() {
        let kb = KbIndex::new(vec![person("sergei-ryabkov", "Sergei Ryabkov")], vec![]);
        let mut idx = PeopleIndex::new();
        let a = analyse(
            "By Anna Keller\n\nSergei Ryabkov said the talks were useful.\n",
            &kb,
        );
        idx.update_file(0, &a, &kb);
        let b = analyse(
            "Ryabkov, who spoke first, said little. Anna Keller said nothing.\n",
            &kb,
        );
        idx.update_file(1, &b, &kb);
        assert_eq!(
            idx.resolve(0, 1),
            Resolution::Person("kb:sergei-ryabkov".into())
        );
        assert_eq!(
            idx.resolve(1, 0),
            Resolution::Person("kb:sergei-ryabkov".into())
        );
        assert_eq!(
            idx.kb_id("kb:sergei-ryabkov").as_deref(),
            Some("sergei-ryabkov")
        );
        assert_eq!(
            idx.display_name("kb:sergei-ryabkov").as_deref(),
            Some("Sergei Ryabkov")
        );
        assert_eq!(
            idx.resolve(0, 0),
            Resolution::Person("author:anna keller".into())
        );
        // The byline's author and the subject of the same name are kept apart.
        assert_eq!(idx.mentions("author:anna keller"), vec![(0, 0)]);
        assert_eq!(idx.mentions("anna keller"), vec![(1, 1)]);
        // A KB person known only from a bare surname is still a cluster.
        let mut idx = PeopleIndex::new();
        idx.update_file(5, &b, &kb);
        assert!(idx.clusters().contains(&"kb:sergei-ryabkov".to_string()));
    }

    #[test]
    fn name_variants_against_established_spellings() {
        let kb = KbIndex::default();
        let mut idx = PeopleIndex::new();
        for f in 0..3 {
            let p = analyse(
                "Deputy Foreign Minister Sergei Ryabkov said the talks were useful.",
                &kb,
            );
            idx.update_file(f, &p, &kb);
        }
        let p = analyse(
            "Deputy Foreign Minister Sergey Ryabkov said the talks were useful.",
            &kb,
        );
        idx.update_file(3, &p, &kb);
        assert_eq!(
            idx.name_variants(3, &p, &kb),
            vec![(0, "Sergei Ryabkov".to_string())]
        );
        let p = analyse(
            "Deputy Foreign Minister Sergei Riabkov said the talks were useful.",
            &kb,
        );
        idx.update_file(4, &p, &kb);
        assert_eq!(
            idx.name_variants(4, &p, &kb),
            vec![(0, "Sergei Ryabkov".to_string())]
        );
        // The established spelling and an unrelated person are not variants.
        let p = analyse(
            "Deputy Foreign Minister Sergei Ryabkov said the talks were useful.",
            &kb,
        );
        assert!(idx.name_variants(0, &p, &kb).is_empty());
        let p = analyse("Energy Minister Mikkel Thorsen rejected that.", &kb);
        idx.update_file(5, &p, &kb);
        assert!(idx.name_variants(5, &p, &kb).is_empty());
        // A KB person spelled differently from its name and aliases.
        let kb = KbIndex::new(vec![person("sergei-ryabkov", "Sergei Ryabkov")], vec![]);
        let p = analyse(
            "Deputy Foreign Minister Sergey Ryabkov said the talks were useful.",
            &kb,
        );
        assert_eq!(p[0].kb_id.as_deref(), Some("sergei-ryabkov"));
        let mut idx = PeopleIndex::new();
        idx.update_file(0, &p, &kb);
        assert_eq!(
            idx.name_variants(0, &p, &kb),
            vec![(0, "Sergei Ryabkov".to_string())]
        );
    }

    #[test]
    fn keys_and_edit_distance() {
        assert_eq!(full_key("James R. Dabney"), "james dabney");
        assert_eq!(full_key("Anne-Marie Descôtes"), "anne-marie descotes");
        assert_eq!(edit_distance("sergei", "sergey"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn queries_stay_fast_with_many_files() {
        // 10,000 files mentioning one person and a few others; a query touches only that
        // person's entries (checked for correctness here; speed is measured in the bench).
        let kb = KbIndex::default();
        let p = analyse(
            "Deputy Foreign Minister Sergei Ryabkov said the talks were useful. Ryabkov left.",
            &kb,
        );
        let q = analyse(
            "Some say Ryabkov, who has been sidelined, was not consulted.",
            &kb,
        );
        let mut idx = PeopleIndex::new();
        for f in 0..10_000u32 {
            idx.update_file(f, if f % 2 == 0 { &p } else { &q }, &kb);
        }
        assert_eq!(idx.mentions("sergei ryabkov").len(), 15_000);
        assert_eq!(idx.files_mentioning("sergei ryabkov"), 10_000);
        assert_eq!(
            idx.resolve(1, 0),
            Resolution::Person("sergei ryabkov".into())
        );
    }
}
