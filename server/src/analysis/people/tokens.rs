//! A small tokenizer for the people detector: words (with internal hyphens, apostrophes and
//! dotted abbreviations), possessive markers and single punctuation characters, each tagged
//! with its sentence and a few shape flags. One pass over the prose, one allocation.

use crate::analysis::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    /// "'s" / "’s" / a bare "'" after a word ending in s.
    Poss,
    Punct,
}

pub const CAP: u16 = 1;
/// Two or more letters, all upper case ("NATO", "CNN").
pub const ALLCAPS: u16 = 2;
/// "J." or "J": one upper-case letter.
pub const INITIAL: u16 = 4;
pub const LOWER: u16 = 8;
pub const NUM: u16 = 16;
/// Han / kana / hangul run.
pub const CJK: u16 = 32;
/// First word of its sentence (after opening quotes or brackets).
pub const SSTART: u16 = 64;
/// Shaped like a name part: capitalised, no digits, every hyphen segment capitalised (or a
/// lower-case Arabic-style particle before a capital: "al-Assad").
pub const NAMEY: u16 = 128;
/// The sentence is a headline.
pub const HEAD: u16 = 256;
/// The word ends with a full stop that belongs to it ("Mr.", "J.", "U.S.").
pub const DOT: u16 = 512;

#[derive(Debug, Clone, Copy)]
pub struct Tok {
    pub s: u32,
    pub e: u32,
    pub sent: u32,
    pub kind: Kind,
    pub f: u16,
    /// The punctuation character for `Punct` tokens (else '\0').
    pub ch: char,
}

impl Tok {
    pub fn has(&self, f: u16) -> bool {
        self.f & f != 0
    }
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.s as usize..self.e as usize
    }
}

/// Abbreviations whose final full stop belongs to the word (lower case, no dot).
const DOT_WORDS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "prof", "maj",
    "adm", "rev", "hon", "st", "jr", "sr", "mt", "ft", "cmdr", "cpl", "pvt", "supt", "atty", "mme",
    "messrs", "sens", "reps", "gens", "brig", "insp", "det", "amb", "pres", "no", "vs", "inc",
    "co", "corp", "ltd", "dept",
];

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

fn is_apos(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Tokenize every sentence of the document.
pub fn tokenize(doc: &Document<'_>) -> Vec<Tok> {
    let prose = doc.prose.as_str();
    let mut out: Vec<Tok> = Vec::with_capacity(prose.len() / 5 + 8);
    for (si, sent) in doc.sentences.iter().enumerate() {
        let Some(text) = prose.get(sent.span.clone()) else {
            continue;
        };
        let head = doc.sentence_kind(si) == crate::analysis::document::BlockKind::Heading;
        let first = out.len();
        tokenize_str(text, sent.span.start, si as u32, &mut out);
        let mut seen_word = false;
        let mut after_open = false;
        for t in &mut out[first..] {
            if head {
                t.f |= HEAD;
            }
            if t.kind == Kind::Word && (!seen_word || after_open) {
                t.f |= SSTART;
            }
            if t.kind == Kind::Word {
                seen_word = true;
            }
            // A word right after an opening quote or a colon starts a (quoted) sentence.
            after_open = t.kind == Kind::Punct && matches!(t.ch, '"' | '“' | '‘' | ':' | '«');
        }
    }
    out
}

/// Tokenize `text` (which starts at byte `base` of the document) into `out`.
pub fn tokenize_str(text: &str, base: usize, sent: u32, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_cjk(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !is_cjk(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            out.push(Tok {
                s: (base + i) as u32,
                e: (base + end) as u32,
                sent,
                kind: Kind::Word,
                f: CJK,
                ch: '\0',
            });
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            // Word: alphanumerics, with - ' ’ . inside when followed by an alphanumeric.
            loop {
                let Some(&(j, d)) = it.peek() else { break };
                if d.is_alphanumeric() && !is_cjk(d) {
                    end = j + d.len_utf8();
                    it.next();
                    continue;
                }
                if matches!(d, '-' | '\'' | '’' | '.' | '‐') {
                    let nj = j + d.len_utf8();
                    let next = text[nj..].chars().next();
                    if next.is_some_and(|n| n.is_alphanumeric() && !is_cjk(n)) {
                        end = nj;
                        it.next();
                        continue;
                    }
                }
                break;
            }
            let mut word_end = end;
            // Possessive: split a final 's / ’s.
            let w = &text[i..word_end];
            let mut poss: Option<(usize, usize)> = None;
            if w.len() > 2 && (w.ends_with("'s") || w.ends_with("’s") || w.ends_with("'S")) {
                let ap = w.char_indices().rev().nth(1).map_or(0, |(k, _)| k);
                poss = Some((i + ap, word_end));
                word_end = i + ap;
            } else if let Some(&(j, d)) = it.peek() {
                // "Jones' car": a bare apostrophe after a word ending in s, then not a letter.
                if is_apos(d) && (w.ends_with('s') || w.ends_with('S')) {
                    let nj = j + d.len_utf8();
                    let next = text[nj..].chars().next();
                    if next.is_none_or(|n| !n.is_alphanumeric())
                        && w.chars().next().is_some_and(char::is_uppercase)
                    {
                        poss = Some((j, nj));
                        it.next();
                    }
                }
            }
            let w = &text[i..word_end];
            let mut f = shape(w);
            // A full stop that belongs to the word.
            if poss.is_none() && b.get(end) == Some(&b'.') {
                let lower = w.to_ascii_lowercase();
                let single_cap = f & INITIAL != 0;
                if single_cap || w.contains('.') || DOT_WORDS.contains(&lower.as_str()) {
                    word_end = end + 1;
                    f |= DOT;
                    it.next();
                }
            }
            out.push(Tok {
                s: (base + i) as u32,
                e: (base + word_end) as u32,
                sent,
                kind: Kind::Word,
                f,
                ch: '\0',
            });
            if let Some((ps, pe)) = poss {
                out.push(Tok {
                    s: (base + ps) as u32,
                    e: (base + pe) as u32,
                    sent,
                    kind: Kind::Poss,
                    f: 0,
                    ch: '\'',
                });
            }
            continue;
        }
        out.push(Tok {
            s: (base + i) as u32,
            e: (base + i + c.len_utf8()) as u32,
            sent,
            kind: Kind::Punct,
            f: 0,
            ch: c,
        });
    }
}

/// Shape flags of one word.
pub fn shape(w: &str) -> u16 {
    let mut f = 0;
    let first = w.chars().next().unwrap_or(' ');
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    if first.is_ascii_digit() || first.is_numeric() {
        f |= NUM;
    }
    if first.is_uppercase() {
        f |= CAP;
    } else if first.is_lowercase() {
        f |= LOWER;
    }
    let all_upper = letters >= 2
        && w.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if all_upper {
        f |= ALLCAPS;
    }
    if letters == 1 && first.is_uppercase() && w.trim_end_matches('.').chars().count() == 1 {
        f |= INITIAL;
    }
    if is_namey(w) {
        f |= NAMEY;
    }
    f
}

const ARABIC_PARTICLES: &[&str] = &[
    "al", "el", "ad", "as", "ash", "at", "az", "bin", "ibn", "abu", "ben", "bint", "d", "l",
];

fn is_namey(w: &str) -> bool {
    if w.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut segs = w.split(['-', '‐']).peekable();
    let mut first = true;
    while let Some(seg) = segs.next() {
        let c = seg.chars().next();
        let upper = c.is_some_and(char::is_uppercase);
        let last = segs.peek().is_none();
        if !upper {
            // "al-Assad": a lower-case particle before a capitalised segment.
            if !(first && !last && ARABIC_PARTICLES.contains(&seg)) {
                return false;
            }
        }
        // "O'Brien", "D'Souza": fine. A segment must have a letter after its capital or be an initial.
        first = false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<(String, Kind)> {
        let mut v = Vec::new();
        tokenize_str(t, 0, 0, &mut v);
        v.iter()
            .map(|k| (t[k.range()].to_string(), k.kind))
            .collect()
    }

    #[test]
    fn words_possessives_abbreviations() {
        let w = words(
            "Mr. Macron's aide, J. Smith-Jones, met U.S. officials in al-Quds and O'Brien's.",
        );
        let texts: Vec<&str> = w.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Mr.",
                "Macron",
                "'s",
                "aide",
                ",",
                "J.",
                "Smith-Jones",
                ",",
                "met",
                "U.S.",
                "officials",
                "in",
                "al-Quds",
                "and",
                "O'Brien",
                "'s",
                "."
            ]
        );
        assert_eq!(w[2].1, Kind::Poss);
    }

    #[test]
    fn shapes() {
        assert!(shape("Anne-Marie") & NAMEY != 0);
        assert!(shape("Kremlin-owned") & NAMEY == 0);
        assert!(shape("al-Assad") & NAMEY != 0);
        assert!(shape("NATO") & ALLCAPS != 0);
        assert!(shape("J.") & INITIAL != 0);
        assert!(shape("A380") & NAMEY == 0);
        assert!(shape("Erdoğan") & NAMEY != 0);
    }

    #[test]
    fn cjk_runs() {
        let w = words("王毅 said, “fine.”");
        assert_eq!(w[0].0, "王毅");
    }
}
