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

fn joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&' | '‐' | '‑')
}

/// Tokenize `text[range]`, appending to `out` (offsets are absolute).
pub fn tokenize(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Tok>) {
    let Some(slice) = text.get(range.clone()) else {
        return;
    };
    let base = range.start;
    let mut it = slice.char_indices().peekable();
    let mut cur: Option<(usize, char)> = None; // start, first char of an open word
    let mut prev_alnum = false;
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() {
            if cur.is_none() {
                cur = Some((i, c));
            }
            prev_alnum = true;
            continue;
        }
        let next_alnum = it.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if joiner(c) && prev_alnum && next_alnum && cur.is_some() {
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
        prev_alnum = false;
        if !c.is_whitespace() {
            out.push(Tok {
                s: base + i,
                e: base + i + c.len_utf8(),
                word: false,
                ch: c,
            });
        }
    }
    if let Some((s, f)) = cur {
        out.push(Tok {
            s: base + s,
            e: base + slice.len(),
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
