//! Lexicons: the word lists rules and detectors use. Defaults live as data in the `*.txt`
//! files beside this module (one entry per line, `#` comments); `byline.toml` can `add`,
//! `remove` or `replace` entries per lexicon. Matching many phrases uses `aho-corasick`
//! automata built once per lexicon (lazily) and shared.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::config::LexiconPatch;

/// Every lexicon name accepted in `[lexicons.NAME]`.
pub const LEXICON_NAMES: &[&str] = &[
    "titles",
    "not-people",
    "cue-verbs",
    "vague-sources",
    "anonymous-sources",
    "weasel-words",
    "event-triggers",
];

fn default_text(name: &str) -> &'static str {
    match name {
        "titles" => include_str!("titles.txt"),
        "not-people" => include_str!("not-people.txt"),
        "cue-verbs" => include_str!("cue-verbs.txt"),
        "vague-sources" => include_str!("vague-sources.txt"),
        "anonymous-sources" => include_str!("anonymous-sources.txt"),
        "weasel-words" => include_str!("weasel-words.txt"),
        "event-triggers" => include_str!("event-triggers.txt"),
        _ => "",
    }
}

fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// One lexicon: its entries and a lazily built case-insensitive automaton.
#[derive(Debug)]
pub struct Lexicon {
    entries: Vec<String>,
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Lexicon {
    /// Entries whose pattern (first column) is empty are dropped: an empty pattern matches
    /// between the bytes of every character (found by fuzzing `add = [""]` in byline.toml).
    pub fn new(mut entries: Vec<String>) -> Self {
        entries.retain(|e| !e.split('\t').next().unwrap_or(e).is_empty());
        Lexicon {
            entries,
            automaton: OnceLock::new(),
        }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    pub fn contains(&self, s: &str) -> bool {
        self.entries.iter().any(|e| e == s)
    }

    pub fn contains_ignore_case(&self, s: &str) -> bool {
        self.entries.iter().any(|e| e.eq_ignore_ascii_case(s))
    }

    /// Leftmost-longest, ASCII-case-insensitive automaton over the entries. For entries with a
    /// second column ("talks meeting") only the first column is a pattern.
    pub fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                let pats: Vec<&str> = self
                    .entries
                    .iter()
                    .map(|e| e.split('\t').next().unwrap_or(e))
                    .collect();
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(pats)
                    .ok()
            })
            .as_ref()
    }

    /// Whole-word matches in `text`: (byte range, entry index).
    pub fn find_words(&self, text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
        let Some(ac) = self.automaton() else {
            return Vec::new();
        };
        ac.find_iter(text)
            .filter(|m| is_word_boundary(text, m.start(), m.end()))
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect()
    }
}

impl Clone for Lexicon {
    fn clone(&self) -> Self {
        Lexicon::new(self.entries.clone())
    }
}

/// True when `text[start..end]` is not glued to letters/digits on either side.
pub fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let inner_first = text[start..end].chars().next();
    let inner_last = text[start..end].chars().next_back();
    let glued = |a: Option<char>, b: Option<char>| matches!((a, b), (Some(x), Some(y)) if x.is_alphanumeric() && y.is_alphanumeric());
    !glued(before, inner_first) && !glued(inner_last, after)
}

/// All lexicons, defaults merged with configuration.
#[derive(Debug, Clone)]
pub struct Lexicons {
    lists: BTreeMap<&'static str, Lexicon>,
}

impl Default for Lexicons {
    fn default() -> Self {
        Lexicons::with_patches(&BTreeMap::new())
    }
}

impl Lexicons {
    pub fn with_patches(patches: &BTreeMap<String, LexiconPatch>) -> Self {
        let mut lists = BTreeMap::new();
        for &name in LEXICON_NAMES {
            let mut entries = parse_list(default_text(name));
            if let Some(p) = patches.get(name) {
                if let Some(r) = &p.replace {
                    entries = r.clone();
                }
                for a in &p.add {
                    if !entries.contains(a) {
                        entries.push(a.clone());
                    }
                }
                entries.retain(|e| !p.remove.iter().any(|r| r.eq_ignore_ascii_case(e)));
            }
            lists.insert(name, Lexicon::new(entries));
        }
        Lexicons { lists }
    }

    /// A lexicon by name (see `LEXICON_NAMES`); unknown names give an empty lexicon.
    pub fn get(&self, name: &str) -> &Lexicon {
        static EMPTY: OnceLock<Lexicon> = OnceLock::new();
        self.lists
            .get(name)
            .unwrap_or_else(|| EMPTY.get_or_init(|| Lexicon::new(Vec::new())))
    }
}

/// Fold common Latin diacritics to ASCII ("Descôtes" → "Descotes") for matching and slugs.
pub fn fold_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => 'A',
            'ç' | 'ć' | 'č' => 'c',
            'Ç' | 'Ć' | 'Č' => 'C',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => 'E',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
            'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => 'I',
            'ñ' | 'ń' | 'ň' => 'n',
            'Ñ' | 'Ń' | 'Ň' => 'N',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => 'O',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => 'U',
            'ý' | 'ÿ' => 'y',
            'Ý' | 'Ÿ' => 'Y',
            'š' | 'ś' | 'ş' => 's',
            'Š' | 'Ś' | 'Ş' => 'S',
            'ž' | 'ź' | 'ż' => 'z',
            'Ž' | 'Ź' | 'Ż' => 'Z',
            'ł' => 'l',
            'Ł' => 'L',
            'ř' => 'r',
            'Ř' => 'R',
            'ğ' => 'g',
            'Ğ' => 'G',
            '’' => '\'',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_patch() {
        let l = Lexicons::default();
        assert!(l.get("weasel-words").contains("reportedly"));
        let mut p = BTreeMap::new();
        p.insert(
            "weasel-words".to_string(),
            LexiconPatch {
                replace: None,
                add: vec!["purportedly-ish".into()],
                remove: vec!["reportedly".into()],
            },
        );
        let l = Lexicons::with_patches(&p);
        assert!(!l.get("weasel-words").contains("reportedly"));
        assert!(l.get("weasel-words").contains("purportedly-ish"));
        for name in LEXICON_NAMES {
            assert!(!l.get(name).entries().is_empty(), "{name}");
        }
    }

    #[test]
    fn whole_words_only() {
        let l = Lexicon::new(vec!["said".into(), "some say".into()]);
        let hits = l.find_words("Ryabkov said; some say unsaid things");
        assert_eq!(hits.len(), 2);
    }

    #[test]
    fn folding() {
        assert_eq!(fold_diacritics("Descôtes Élysée"), "Descotes Elysee");
    }
}
