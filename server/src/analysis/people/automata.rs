//! Token-level matching of the lexicons the detector needs on every article (titles, cue
//! verbs, not-people). Entries are tokenized like the article and indexed by their first word,
//! so matching is one hash lookup per word instead of a scan of every byte. Semantics follow
//! the shared lexicon automata: whole words, ASCII case-insensitive, multi-word entries,
//! leftmost-longest and non-overlapping across the three lexicons. Built once per thread and
//! configuration (keyed by a hash of the entries, so a changed `byline.toml` rebuilds them).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use super::lists::FastMap;
use super::tokens::{tokenize_str, Kind, Tok};
use crate::analysis::lexicon::{Lexicon, Lexicons};

/// Which lexicon an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Title,
    Cue,
    NotPeople,
}

pub struct Entry {
    pub source: Source,
    /// The entry as written.
    pub text: String,
    /// Its tokens, lower case, final full stops dropped.
    words: Vec<String>,
}

pub struct Tables {
    pub entries: Vec<Entry>,
    /// First word → entries starting with it, longest first.
    first: FastMap<String, Vec<u32>>,
}

/// Lower case without a final full stop ("Gen." → "gen").
pub fn norm(w: &str) -> String {
    let w = w.strip_suffix('.').unwrap_or(w);
    if w.is_ascii() {
        w.to_ascii_lowercase()
    } else {
        w.to_lowercase()
    }
}

fn build(lexs: &[(Source, &Lexicon)]) -> Tables {
    let mut entries = Vec::new();
    let mut first: FastMap<String, Vec<u32>> = FastMap::default();
    let mut toks: Vec<Tok> = Vec::new();
    for (src, lex) in lexs {
        for e in lex.entries() {
            let text = e.split('\t').next().unwrap_or(e).trim();
            toks.clear();
            tokenize_str(text, 0, 0, &mut toks);
            let words: Vec<String> = toks.iter().map(|t| norm(&text[t.range()])).collect();
            if words.is_empty() || words.iter().any(String::is_empty) {
                continue;
            }
            first
                .entry(words[0].clone())
                .or_default()
                .push(entries.len() as u32);
            entries.push(Entry {
                source: *src,
                text: text.to_string(),
                words,
            });
        }
    }
    for v in first.values_mut() {
        v.sort_by_key(|&i| std::cmp::Reverse(entries[i as usize].words.len()));
    }
    Tables { entries, first }
}

thread_local! {
    static CACHE: RefCell<Option<(u64, Rc<Tables>)>> = const { RefCell::new(None) };
}

/// The tables for these lexicons (cached per thread).
pub fn tables(lexicons: &Lexicons) -> Rc<Tables> {
    let (t, c, n) = (
        lexicons.get("titles"),
        lexicons.get("cue-verbs"),
        lexicons.get("not-people"),
    );
    let mut h = DefaultHasher::new();
    t.entries().hash(&mut h);
    c.entries().hash(&mut h);
    n.entries().hash(&mut h);
    let key = h.finish();
    CACHE.with(|cell| {
        if let Some((k, a)) = &*cell.borrow() {
            if *k == key {
                return a.clone();
            }
        }
        let a = Rc::new(build(&[
            (Source::Title, t),
            (Source::Cue, c),
            (Source::NotPeople, n),
        ]));
        *cell.borrow_mut() = Some((key, a.clone()));
        a
    })
}

impl Tables {
    /// Matches over the tokens: (first token, last token inclusive, entry index).
    pub fn find(&self, prose: &str, toks: &[Tok]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut buf = String::new();
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            if t.kind != Kind::Word {
                i += 1;
                continue;
            }
            let w = prose.get(t.range()).unwrap_or("");
            let w = w.strip_suffix('.').unwrap_or(w);
            buf.clear();
            if w.is_ascii() {
                buf.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                buf.push_str(&w.to_lowercase());
            }
            let Some(cands) = self.first.get(buf.as_str()) else {
                i += 1;
                continue;
            };
            let mut hit = None;
            for &ei in cands {
                let e = &self.entries[ei as usize];
                let n = e.words.len();
                if i + n > toks.len() || toks[i + n - 1].sent != t.sent {
                    continue;
                }
                let ok = (1..n).all(|k| {
                    let u = &toks[i + k];
                    let uw = prose.get(u.range()).unwrap_or("");
                    let uw = uw.strip_suffix('.').unwrap_or(uw);
                    if uw.is_ascii() {
                        uw.eq_ignore_ascii_case(&e.words[k])
                    } else {
                        uw.to_lowercase() == e.words[k]
                    }
                });
                if ok {
                    hit = Some((i, i + n - 1, ei as usize));
                    break;
                }
            }
            match hit {
                Some(h) => {
                    out.push(h);
                    i = h.1 + 1;
                }
                None => i += 1,
            }
        }
        out
    }
}
