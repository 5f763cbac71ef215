//! The knowledge base compiled for matching: one Aho-Corasick automaton over every person's
//! name and aliases and every event's name and aliases, so a keystroke costs the same with
//! 100,000 entries as with 10; plus lookups by id and surname and dated-role resolution.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::NaiveDate;

use super::lexicon::{fold_diacritics, is_word_boundary};
use super::Span;
use crate::config::{EventEntry, KbRole, PersonEntry};

/// What a KB pattern refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KbTarget {
    Person(usize),
    Event(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbMatch {
    pub span: Span,
    pub target: KbTarget,
    /// True when the pattern was the entry's main name (not an alias).
    pub is_name: bool,
}

#[derive(Debug, Default)]
pub struct KbIndex {
    pub people: Vec<PersonEntry>,
    pub events: Vec<EventEntry>,
    automaton: Option<AhoCorasick>,
    patterns: Vec<(KbTarget, bool)>,
    by_id: HashMap<String, KbTarget>,
    /// Folded, lower-cased surname → person indices.
    by_surname: HashMap<String, Vec<usize>>,
    /// Each dated role indexed under the rarest content word of its title:
    /// word → (person index, role index). `holder_of` only checks roles whose indexed word
    /// occurs in the role text, so it costs the same with 100,000 people as with 10.
    role_index: HashMap<String, Vec<(usize, usize)>>,
}

/// Lower-case, diacritic-folded key for surname comparisons ("Descôtes" → "descotes").
pub fn name_key(s: &str) -> String {
    fold_diacritics(s).to_lowercase()
}

/// The last word of a full name, ignoring suffixes ("Jr.", "III").
pub fn surname_of(full: &str) -> &str {
    let words: Vec<&str> = full.split_whitespace().collect();
    for w in words.iter().rev() {
        let t = w.trim_end_matches([',', '.']);
        if matches!(t, "Jr" | "Sr" | "II" | "III" | "IV") {
            continue;
        }
        return w.trim_end_matches(',');
    }
    full
}

impl KbIndex {
    pub fn new(people: Vec<PersonEntry>, events: Vec<EventEntry>) -> KbIndex {
        let mut pats: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut by_id = HashMap::new();
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            by_id.insert(p.id.clone(), KbTarget::Person(i));
            by_surname
                .entry(name_key(surname_of(&p.name)))
                .or_default()
                .push(i);
            pats.push(p.name.clone());
            patterns.push((KbTarget::Person(i), true));
            for a in &p.aliases {
                pats.push(a.clone());
                patterns.push((KbTarget::Person(i), false));
            }
        }
        for (i, e) in events.iter().enumerate() {
            by_id.insert(e.id.clone(), KbTarget::Event(i));
            pats.push(e.name.clone());
            patterns.push((KbTarget::Event(i), true));
            for a in &e.aliases {
                pats.push(a.clone());
                patterns.push((KbTarget::Event(i), false));
            }
        }
        let automaton = if pats.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(false)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&pats)
                .ok()
        };
        let mut freq: HashMap<String, usize> = HashMap::new();
        for p in &people {
            for r in &p.roles {
                for w in content_words(&r.title) {
                    *freq.entry(w).or_default() += 1;
                }
            }
        }
        let mut role_index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (pi, p) in people.iter().enumerate() {
            for (ri, r) in p.roles.iter().enumerate() {
                let words = content_words(&r.title);
                if let Some(w) = words
                    .iter()
                    .min_by_key(|w| (freq.get(*w).copied().unwrap_or(0), (*w).clone()))
                {
                    role_index.entry(w.clone()).or_default().push((pi, ri));
                }
            }
        }
        KbIndex {
            people,
            events,
            automaton,
            patterns,
            by_id,
            by_surname,
            role_index,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.events.is_empty()
    }

    /// Whole-word occurrences of KB names and aliases in `text` (case-sensitive: names are
    /// proper nouns; "Geneva summit" as an event alias also matches "Geneva Summit" via the
    /// caller's own case handling if needed).
    pub fn find(&self, text: &str) -> Vec<KbMatch> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        ac.find_iter(text)
            .filter(|m| is_word_boundary(text, m.start(), m.end()))
            .map(|m| {
                let (target, is_name) = self.patterns[m.pattern().as_usize()];
                KbMatch {
                    span: m.range(),
                    target,
                    is_name,
                }
            })
            .collect()
    }

    pub fn by_id(&self, id: &str) -> Option<KbTarget> {
        self.by_id.get(id).copied()
    }

    pub fn person_by_id(&self, id: &str) -> Option<&PersonEntry> {
        match self.by_id(id)? {
            KbTarget::Person(i) => self.people.get(i),
            KbTarget::Event(_) => None,
        }
    }

    pub fn event_by_id(&self, id: &str) -> Option<&EventEntry> {
        match self.by_id(id)? {
            KbTarget::Event(i) => self.events.get(i),
            KbTarget::Person(_) => None,
        }
    }

    /// People whose name's surname equals `surname` (folded, case-insensitive).
    pub fn people_with_surname(&self, surname: &str) -> &[usize] {
        self.by_surname
            .get(&name_key(surname))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The person holding a role described by `role_text` ("the French ambassador to Germany",
    /// "the CIA director") on `date`. Matching: every content word of the KB role's title and
    /// (where given) a word of its organisation must appear in the text. Unique answer or none.
    pub fn holder_of(&self, role_text: &str, date: Option<NaiveDate>) -> Option<(usize, &KbRole)> {
        let words: Vec<String> = content_words(role_text);
        if words.is_empty() {
            return None;
        }
        let mut found: Option<(usize, &KbRole)> = None;
        let mut probes: Vec<&str> = Vec::new();
        for w in &words {
            probes.push(w);
            for s in synonyms(w) {
                probes.push(s);
            }
        }
        probes.sort_unstable();
        probes.dedup();
        for w in probes {
            let Some(cands) = self.role_index.get(w) else {
                continue;
            };
            for &(i, ri) in cands {
                let Some(r) = self.people.get(i).and_then(|p| p.roles.get(ri)) else {
                    continue;
                };
                if let Some(d) = date {
                    if !r.held_on(d) {
                        continue;
                    }
                }
                if role_matches(&words, r) {
                    if found.is_some_and(|(j, _)| j != i) {
                        return None; // ambiguous
                    }
                    found = Some((i, r));
                }
            }
        }
        found
    }

    /// Roles of person `person` that a title written in an article ("Ambassador",
    /// "France's ambassador to Germany", "Employment Minister") can describe: every content word
    /// of the written title appears in the role's title or organisation (nationality adjectives
    /// match their country). Words like "former" make no role match (the text says it is past).
    pub fn roles_described_by(&self, person: usize, written: &str) -> Vec<&KbRole> {
        let words = content_words(written);
        let Some(p) = self.people.get(person) else {
            return Vec::new();
        };
        if words.is_empty() || words.iter().any(|w| PAST_WORDS.contains(&w.as_str())) {
            return Vec::new();
        }
        p.roles
            .iter()
            .filter(|r| {
                let mut kb_words = content_words(&r.title);
                if let Some(o) = &r.organization {
                    kb_words.extend(content_words(o));
                }
                words.iter().all(|w| {
                    kb_words
                        .iter()
                        .any(|k| same_word(w, k) || k.starts_with(w.as_str()) && w.len() >= 5)
                }) && content_words(&r.title)
                    .iter()
                    .any(|k| words.iter().any(|w| same_word(w, k)))
            })
            .collect()
    }
}

/// Words in a written title that put the role in the past or the future.
const PAST_WORDS: &[&str] = &[
    "former",
    "ex",
    "then",
    "late",
    "outgoing",
    "incoming",
    "designate",
    "elect",
    "future",
    "previous",
    "onetime",
    "erstwhile",
];

/// Levenshtein distance over chars (for short names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

const STOP: &[&str] = &[
    "the", "a", "an", "of", "to", "for", "in", "on", "at", "and", "s", "its", "his", "her",
    "their", "our", "top", "senior", "new", "current", "then-", "said",
];

fn content_words(s: &str) -> Vec<String> {
    name_key(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(str::to_string)
        .collect()
}

/// Country/organisation adjectives ↔ nouns, so "French ambassador" matches organisation
/// "France" and "Russian Foreign Ministry" matches "Russia".
fn synonyms(w: &str) -> impl Iterator<Item = &'static str> + '_ {
    PAIRS.iter().filter_map(move |(x, y)| {
        if *x == w {
            Some(*y)
        } else if *y == w {
            Some(*x)
        } else {
            None
        }
    })
}

fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    PAIRS
        .iter()
        .any(|(x, y)| (a == *x && b == *y) || (a == *y && b == *x))
}

const PAIRS: &[(&str, &str)] = &[
    ("french", "france"),
    ("german", "germany"),
    ("russian", "russia"),
    ("american", "us"),
    ("american", "united"),
    ("us", "united"),
    ("british", "uk"),
    ("british", "britain"),
    ("chinese", "china"),
    ("danish", "denmark"),
    ("swedish", "sweden"),
    ("italian", "italy"),
    ("spanish", "spain"),
    ("ukrainian", "ukraine"),
    ("japanese", "japan"),
    ("indian", "india"),
    ("iranian", "iran"),
    ("israeli", "israel"),
    ("turkish", "turkey"),
    ("polish", "poland"),
    ("dutch", "netherlands"),
    ("swiss", "switzerland"),
    ("norwegian", "norway"),
    ("finnish", "finland"),
    ("european", "eu"),
    ("france", "elysee"),
    ("us", "america"),
    ("american", "america"),
    ("kremlin", "russia"),
    ("kremlin", "russian"),
];

fn role_matches(text_words: &[String], role: &KbRole) -> bool {
    let has = |w: &str| text_words.iter().any(|t| same_word(t, w));
    let title_words = content_words(&role.title);
    if title_words.is_empty() || !title_words.iter().all(|w| has(w)) {
        return false;
    }
    match &role.organization {
        Some(org) => {
            let org_words = content_words(org);
            // Title words may already name the place ("Ambassador to Germany").
            org_words.is_empty() || org_words.iter().any(|w| has(w))
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::testutil::{kb_person as person, kb_role as role};

    #[test]
    fn names_and_aliases_match_whole_words() {
        let kb = KbIndex::new(
            vec![person("sr", "Sergei Ryabkov", &["S. Ryabkov"], vec![])],
            vec![],
        );
        let t = "Sergei Ryabkov met S. Ryabkov and Sergei Ryabkovich.";
        let m = kb.find(t);
        assert_eq!(m.len(), 2);
        assert!(m[0].is_name && !m[1].is_name);
        assert_eq!(kb.people_with_surname("ryabkov"), &[0]);
    }

    #[test]
    fn dated_roles_resolve_holder() {
        let kb = KbIndex::new(
            vec![
                person(
                    "a",
                    "Anne-Marie Descôtes",
                    &[],
                    vec![role(
                        "Ambassador",
                        Some("France"),
                        "2017",
                        Some("2025-06-30"),
                    )],
                ),
                person(
                    "b",
                    "François Delattre",
                    &[],
                    vec![role(
                        "Ambassador to Germany",
                        Some("France"),
                        "2025-07-01",
                        None,
                    )],
                ),
                person(
                    "c",
                    "Jane Roe",
                    &[],
                    vec![role("Director", Some("CIA"), "2024-01-01", None)],
                ),
            ],
            vec![],
        );
        let d = |s| crate::config::parse_loose_date(s);
        assert_eq!(
            kb.holder_of("the French ambassador to Germany", d("2024-05-01"))
                .map(|x| x.0),
            Some(0)
        );
        assert_eq!(
            kb.holder_of("the French ambassador to Germany", d("2026-03-12"))
                .map(|x| x.0),
            Some(1)
        );
        assert_eq!(
            kb.holder_of("the CIA director", d("2026-03-12"))
                .map(|x| x.0),
            Some(2)
        );
        assert_eq!(kb.holder_of("the finance minister", d("2026-03-12")), None);
    }
}
