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

/// Byte classes for the ASCII fast path.
const B_WS: u8 = 1;
const B_ALNUM: u8 = 2;
const B_CONN: u8 = 3; // - ' .
const B_OTHER: u8 = 4;
const B_HIGH: u8 = 5; // non-ASCII: decode

static BYTE_CLASS: [u8; 256] = {
    let mut t = [B_HIGH; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' || c == 0x0b || c == 0x0c {
            B_WS
        } else if c.is_ascii_alphanumeric() {
            B_ALNUM
        } else if c == b'-' || c == b'\'' || c == b'.' {
            B_CONN
        } else {
            B_OTHER
        };
        i += 1;
    }
    t
};

/// Tokenize `text` (which starts at byte `base` of the document) into `out`.
pub fn tokenize_str(text: &str, base: usize, sent: u32, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    let n = b.len();
    // The char at byte `i` (i < n, on a boundary) and its length.
    let ch = |i: usize| -> (char, usize) {
        let c = b[i];
        if c < 0x80 {
            (c as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        }
    };
    // Whether a word character (alphanumeric, not CJK) starts at byte `i`.
    let wordy = |i: usize| -> bool {
        if i >= n {
            return false;
        }
        match BYTE_CLASS[b[i] as usize] {
            B_ALNUM => true,
            B_HIGH => {
                let (c, _) = ch(i);
                c.is_alphanumeric() && !is_cjk(c)
            }
            _ => false,
        }
    };
    let push = |out: &mut Vec<Tok>, s: usize, e: usize, kind: Kind, f: u16, c: char| {
        out.push(Tok {
            s: (base + s) as u32,
            e: (base + e) as u32,
            sent,
            kind,
            f,
            ch: c,
        });
    };
    let mut i = 0;
    while i < n {
        let cls = BYTE_CLASS[b[i] as usize];
        let (c, len) = match cls {
            B_WS => {
                i += 1;
                continue;
            }
            B_CONN | B_OTHER => {
                push(out, i, i + 1, Kind::Punct, 0, b[i] as char);
                i += 1;
                continue;
            }
            B_ALNUM => (b[i] as char, 1),
            _ => {
                let (c, len) = ch(i);
                if c.is_whitespace() {
                    i += len;
                    continue;
                }
                if is_cjk(c) {
                    let mut end = i + len;
                    while end < n && b[end] >= 0x80 {
                        let (d, dl) = ch(end);
                        if !is_cjk(d) {
                            break;
                        }
                        end += dl;
                    }
                    push(out, i, end, Kind::Word, CJK, '\0');
                    i = end;
                    continue;
                }
                if !c.is_alphanumeric() {
                    push(out, i, i + len, Kind::Punct, 0, c);
                    i += len;
                    continue;
                }
                (c, len)
            }
        };
        let _ = c;
        // Word: alphanumerics, with - ' ’ . ‐ inside when followed by a word character.
        let mut end = i + len;
        let mut ascii = len == 1;
        while end < n {
            match BYTE_CLASS[b[end] as usize] {
                B_ALNUM => end += 1,
                B_CONN if wordy(end + 1) => end += 1,
                B_HIGH => {
                    let (d, dl) = ch(end);
                    if d.is_alphanumeric() && !is_cjk(d)
                        || matches!(d, '’' | '‐') && wordy(end + dl)
                    {
                        end += dl;
                        ascii = false;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        let mut word_end = end;
        let w = &b[i..word_end];
        let mut poss: Option<(usize, usize)> = None;
        let wl = w.len();
        if wl > 2 && w[wl - 2] == b'\'' && (w[wl - 1] == b's' || w[wl - 1] == b'S') {
            poss = Some((i + wl - 2, word_end));
            word_end = i + wl - 2;
        } else if wl > 4 && w.ends_with("’s".as_bytes()) {
            poss = Some((i + wl - 4, word_end));
            word_end = i + wl - 4;
        } else if end < n && (w[wl - 1] == b's' || w[wl - 1] == b'S') && w[0].is_ascii_uppercase() {
            // "Jones' car": a bare apostrophe after a capitalised word ending in s.
            let (d, dl) = ch(end);
            if (d == '\'' || d == '’') && !wordy(end + dl) {
                poss = Some((end, end + dl));
                end += dl;
            }
        }
        let mut f = if ascii {
            shape_ascii(&b[i..word_end])
        } else {
            shape(&text[i..word_end])
        };
        // A full stop that belongs to the word.
        if poss.is_none() && end < n && b[end] == b'.' {
            let w = &text[i..word_end];
            let single_cap = f & INITIAL != 0;
            if single_cap
                || w.contains('.')
                || (w.len() <= 6 && DOT_WORDS.iter().any(|d| d.eq_ignore_ascii_case(w)))
            {
                word_end = end + 1;
                end += 1;
                f |= DOT;
            }
        }
        push(out, i, word_end, Kind::Word, f, '\0');
        if let Some((ps, pe)) = poss {
            push(out, ps, pe, Kind::Poss, 0, '\'');
        }
        i = end;
    }
}

/// Shape flags of one word.
pub fn shape(w: &str) -> u16 {
    if w.is_ascii() {
        return shape_ascii(w.as_bytes());
    }
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

fn shape_ascii(w: &[u8]) -> u16 {
    let Some(&first) = w.first() else { return 0 };
    let mut f = 0;
    let (mut letters, mut upper, mut digit) = (0usize, 0usize, false);
    // Name shape: every hyphen segment capitalised, except a first-segment particle.
    let mut namey = true;
    let mut seg_start = 0usize;
    let mut seg_index = 0usize;
    for (k, &c) in w.iter().enumerate() {
        if c.is_ascii_alphabetic() {
            letters += 1;
            if c.is_ascii_uppercase() {
                upper += 1;
            }
        } else if c.is_ascii_digit() {
            digit = true;
        }
        let seg_end = c == b'-' || k + 1 == w.len();
        if seg_end {
            let e = if c == b'-' { k } else { k + 1 };
            let seg = &w[seg_start..e];
            let cap = seg.first().is_some_and(u8::is_ascii_uppercase);
            if !cap && namey {
                let last = c != b'-';
                let particle =
                    seg_index == 0 && !last && ARABIC_PARTICLES.iter().any(|p| p.as_bytes() == seg);
                if !particle {
                    namey = false;
                }
            }
            seg_start = k + 1;
            seg_index += 1;
        }
    }
    if first.is_ascii_digit() {
        f |= NUM;
    }
    if first.is_ascii_uppercase() {
        f |= CAP;
    } else if first.is_ascii_lowercase() {
        f |= LOWER;
    }
    if letters >= 2 && upper == letters {
        f |= ALLCAPS;
    }
    if letters == 1
        && first.is_ascii_uppercase()
        && (w.len() == 1 || (w.len() == 2 && w[1] == b'.'))
    {
        f |= INITIAL;
    }
    if namey && !digit {
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
