//! A minimal word tokenizer over one sentence of prose: words (letters/digits with internal
//! hyphens, dashes, apostrophes and abbreviation dots: "US–China", "three-hour", "Lohan's",
//! "U.S") and single-character punctuation. Byte offsets into the document.

use std::ops::Range;

#[derive(Debug, Clone, Copy)]
pub struct Tok {
    pub s: usize,
    pub e: usize,
    pub word: bool,
}

/// `w` without a possessive ending, ASCII-lower-cased into `buf` (None when longer than it).
pub fn lower_base<'b>(w: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let b = &w.as_bytes()[..w.len() - possessive_len(w)];
    if b.len() > buf.len() {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok()
}

/// Byte length of a possessive ending ("'s", "’s", "'S"), 0 if none.
fn possessive_len(w: &str) -> usize {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 3 && (b[n - 1] == b's' || b[n - 1] == b'S') {
        if b[n - 2] == b'\'' {
            return 2;
        }
        if n >= 5 && &b[n - 4..n - 1] == "’".as_bytes() {
            return 4;
        }
    }
    0
}

pub struct Toks<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
}

fn joiner(c: char) -> bool {
    matches!(c, '-' | '–' | '\'' | '’' | '.' | '/' | '&')
}

impl<'a> Toks<'a> {
    pub fn new(text: &'a str, range: Range<usize>) -> Toks<'a> {
        let mut t = Toks {
            text,
            toks: Vec::new(),
        };
        t.reset(range);
        t
    }

    /// Re-tokenize another range, reusing the buffer.
    pub fn reset(&mut self, range: Range<usize>) {
        self.toks.clear();
        let end = range.end.min(self.text.len());
        let start = range.start.min(end);
        let Some(slice) = self.text.get(start..end) else {
            return;
        };
        let mut it = slice.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_alphanumeric() {
                let s = start + i;
                let mut e = s + c.len_utf8();
                let mut prev = c;
                while let Some(&(j, d)) = it.peek() {
                    if d.is_alphanumeric() {
                        e = start + j + d.len_utf8();
                        prev = d;
                        it.next();
                    } else if joiner(d) {
                        // Only inside a word: the next char must be alphanumeric.
                        let next = slice[j + d.len_utf8()..].chars().next();
                        let ok = next.is_some_and(char::is_alphanumeric)
                            && (d != '.'
                                || (prev.is_uppercase() && next.is_some_and(char::is_uppercase)));
                        if !ok {
                            break;
                        }
                        it.next();
                        prev = d;
                    } else {
                        break;
                    }
                }
                self.toks.push(Tok { s, e, word: true });
            } else if !c.is_whitespace() || c == '\n' {
                // Line breaks are boundaries too (a headline line without final punctuation).
                let s = start + i;
                self.toks.push(Tok {
                    s,
                    e: s + c.len_utf8(),
                    word: false,
                });
            }
        }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    pub fn text_of(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.s..t.e))
            .unwrap_or("")
    }

    /// The word at `i` (None for punctuation or out of range).
    pub fn word(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        if t.word {
            self.text.get(t.s..t.e)
        } else {
            None
        }
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.word)
    }

    pub fn word_is(&self, i: usize, w: &str) -> bool {
        self.word(i).is_some_and(|x| x.eq_ignore_ascii_case(w))
    }

    pub fn punct_is(&self, i: usize, c: char) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| !t.word && self.text[t.s..].starts_with(c))
    }

    /// The word without a possessive "'s" / "’s" / trailing "'".
    pub fn base(&self, i: usize) -> &'a str {
        let w = self.word(i).unwrap_or("");
        &w[..w.len() - possessive_len(w)]
    }

    pub fn is_possessive(&self, i: usize) -> bool {
        self.word(i).is_some_and(|w| possessive_len(w) > 0)
    }

    pub fn is_cap(&self, i: usize) -> bool {
        self.word(i)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    }

    /// "LARGE", "FIRE": shouted words say nothing about names.
    pub fn is_all_caps(&self, i: usize) -> bool {
        self.word(i).is_some_and(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() > 1
                && !w.chars().any(char::is_lowercase)
        })
    }

    /// Index of the token starting exactly at `offset`.
    pub fn starting_at(&self, offset: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| t.s < offset);
        (i < self.toks.len() && self.toks[i].s == offset).then_some(i)
    }

    /// Index of the word token ending at `offset` (or whose base before "'s" ends there).
    pub fn ending_at(&self, offset: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| t.e < offset);
        if i < self.toks.len() {
            let t = self.toks[i];
            if t.e == offset || (t.s < offset && t.s + self.base(i).len() == offset) {
                return Some(i);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_joiners() {
        let s = "The US–China talks, Lohan's three-hour U.S. visit.";
        let t = Toks::new(s, 0..s.len());
        let words: Vec<&str> = (0..t.len()).map(|i| t.text_of(i)).collect();
        assert_eq!(
            words,
            [
                "The",
                "US–China",
                "talks",
                ",",
                "Lohan's",
                "three-hour",
                "U.S",
                ".",
                "visit",
                "."
            ]
        );
        assert!(t.is_possessive(4));
        assert_eq!(t.base(4), "Lohan");
        assert_eq!(t.starting_at(4), Some(1));
        assert_eq!(t.ending_at(s.find("Lohan").unwrap() + 5), Some(4));
    }
}
