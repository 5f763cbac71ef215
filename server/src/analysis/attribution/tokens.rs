//! A tiny word/punctuation tokenizer over the prose view (one pass, no allocation per token).

/// A token: a word (letters/digits with inner `.`, `'`, `’`, `-`, `&`) or one punctuation char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub s: usize,
    pub e: usize,
    pub word: bool,
    /// First character (the punctuation mark for non-words).
    pub ch: char,
}

/// FNV-1a: a fast hasher for short words (no HashDoS concern for lexicon lookups).
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// Lower-case an ASCII word into `buf` (None when too long or not ASCII).
pub fn ascii_lower<'b>(w: &str, buf: &'b mut [u8; 40]) -> Option<&'b str> {
    let b = w.as_bytes();
    if b.len() > 40 || !b.is_ascii() {
        return None;
    }
    for (i, c) in b.iter().enumerate() {
        buf[i] = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok()
}

/// A set of lower-case words with allocation-free, case-insensitive lookup.
pub struct WordSet(std::collections::HashSet<&'static str, FnvBuild>);

impl WordSet {
    pub fn new(lists: &[&[&'static str]]) -> Self {
        WordSet(lists.iter().flat_map(|l| l.iter().copied()).collect())
    }

    pub fn has(&self, w: &str) -> bool {
        let mut buf = [0u8; 40];
        match ascii_lower(w, &mut buf) {
            Some(l) => self.0.contains(l),
            None => w.len() <= 40 && self.0.contains(w.to_lowercase().as_str()),
        }
    }
}

/// Whether a word token is in `set`.
pub fn in_set(text: &str, t: &Tok, set: &WordSet) -> bool {
    t.word && set.has(tt(text, t))
}

fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

fn joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&' | '‐' | '‑')
}

/// Tokenize `text[range]`, appending to `out` (offsets are absolute).
pub fn tokenize(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Tok>) {
    let Some(slice) = text.get(range.clone()) else {
        return;
    };
    let base = range.start;
    let bytes = slice.as_bytes();
    let n = bytes.len();
    // Decode the char at `i` (ASCII fast path).
    let at = |i: usize| -> (char, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b as char, 1)
        } else {
            slice[i..]
                .chars()
                .next()
                .map_or((' ', 1), |c| (c, c.len_utf8()))
        }
    };
    let mut i = 0;
    let mut cur: Option<(usize, char)> = None;
    while i < n {
        let (c, len) = at(i);
        if alnum(c) {
            if cur.is_none() {
                cur = Some((i, c));
            }
            i += len;
            continue;
        }
        if joiner(c) && cur.is_some() && i + len < n && alnum(at(i + len).0) {
            i += len;
            continue;
        }
        if let Some((s, f)) = cur.take() {
            out.push(Tok {
                s: base + s,
                e: base + i,
                word: true,
                ch: f,
            });
        }
        if !c.is_whitespace() {
            out.push(Tok {
                s: base + i,
                e: base + i + len,
                word: false,
                ch: c,
            });
        }
        i += len;
    }
    if let Some((s, f)) = cur {
        out.push(Tok {
            s: base + s,
            e: base + n,
            word: true,
            ch: f,
        });
    }
}

/// The text of a token.
pub fn tt<'a>(text: &'a str, t: &Tok) -> &'a str {
    text.get(t.s..t.e).unwrap_or("")
}

/// Case-insensitive comparison of a word token with an ASCII lower-case word.
pub fn is(text: &str, t: &Tok, w: &str) -> bool {
    t.word && tt(text, t).eq_ignore_ascii_case(w)
}

/// Whether a word token is one of `ws` (ASCII lower case), case-insensitively.
pub fn is_any(text: &str, t: &Tok, ws: &[&str]) -> bool {
    t.word && {
        let s = tt(text, t);
        ws.iter().any(|w| s.eq_ignore_ascii_case(w))
    }
}

pub fn capitalised(t: &Tok) -> bool {
    t.word && t.ch.is_uppercase()
}

/// The word without a possessive ending ("Ryabkov's" → "Ryabkov").
pub fn strip_possessive(w: &str) -> (&str, bool) {
    for suf in ["'s", "’s", "'S"] {
        if let Some(x) = w.strip_suffix(suf) {
            if !x.is_empty() {
                return (x, true);
            }
        }
    }
    if let Some(x) = w.strip_suffix(['\'', '’']) {
        if x.ends_with('s') {
            return (x, true);
        }
    }
    (w, false)
}

pub fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '’' | '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_punct() {
        let t = "Mr. Ryabkov's U.S. counterpart said: “won't” — 3.5%";
        let mut v = Vec::new();
        tokenize(t, 0..t.len(), &mut v);
        let s: Vec<&str> = v.iter().map(|x| tt(t, x)).collect();
        assert_eq!(
            s,
            vec![
                "Mr",
                ".",
                "Ryabkov's",
                "U.S",
                ".",
                "counterpart",
                "said",
                ":",
                "“",
                "won't",
                "”",
                "—",
                "3.5",
                "%"
            ]
        );
        assert_eq!(strip_possessive("Ryabkov's"), ("Ryabkov", true));
        assert_eq!(strip_possessive("delegations’"), ("delegations", true));
    }
}
