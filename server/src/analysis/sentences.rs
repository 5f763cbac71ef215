//! Sentence segmentation that survives news text: abbreviations (U.S., Mr., Sept., Gen.),
//! initials ("John F. Kennedy"), decimals, ellipses, closing quotes after the full stop,
//! quotations that run over several sentences, and one-sentence-per-line corpora. Works on the
//! prose view, block by block, so headings, list items, bylines and bullets never run into the
//! next paragraph (the document model makes them blocks of their own).

use super::document::{Block, Sentence};

/// Titles and honorifics (lower case, no final dot): a full stop after them never ends a
/// sentence ("Gen. Smith", "Mr. Ryabkov").
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt",
    "cpl", "pvt", "sen", "rep", "gov", "pres", "amb", "rev", "fr", "hon", "st", "mt", "supt",
    "messrs", "mme", "mlle", "atty", "gens", "sens", "reps", "lt.gov", "brig", "cdr", "insp",
    "det", "cllr", "sec.gen", "ft", "pt", "no", "nos", "vol", "vols", "pp", "fig", "figs", "art",
    "ch", "para", "e.g", "i.e", "cf", "viz", "vs", "v", "a.k.a", "approx", "ca",
];

/// Abbreviations before a number ("Sept. 12", "No. 10"). Before a capitalised word they end a
/// sentence only when that word is a typical sentence opener.
const DATE_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

/// Abbreviations that often end a sentence too ("Apple Inc.", "in the U.S."): a boundary only
/// when the next word is a typical sentence opener ("The", "He", "But", …).
const AMBIGUOUS_ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "co", "ltd", "plc", "bros", "jr", "sr", "dept", "est", "etc", "gov't", "u.s",
    "u.k", "u.n", "e.u", "u.s.a", "d.c", "n.y", "l.a", "a.m", "p.m", "calif", "mass", "ariz",
    "fla", "ill", "penn", "wash", "conn", "tenn", "minn", "mich", "okla", "ore", "wis", "colo",
    "ala", "ga", "va", "md", "pa", "tex", "sec", "secs", "mins", "hrs", "yrs", "govt", "intl",
];

/// Words that typically open a sentence (used after an ambiguous abbreviation).
const OPENERS: &[&str] = &[
    "a",
    "an",
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "its",
    "their",
    "our",
    "this",
    "that",
    "these",
    "those",
    "there",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "after",
    "before",
    "when",
    "while",
    "if",
    "as",
    "since",
    "although",
    "though",
    "however",
    "meanwhile",
    "still",
    "now",
    "then",
    "some",
    "many",
    "most",
    "one",
    "both",
    "neither",
    "no",
    "not",
    "officials",
    "analysts",
    "asked",
    "speaking",
    "according",
    "earlier",
    "later",
    "last",
    "next",
    "what",
    "why",
    "how",
    "who",
    "where",
    "under",
    "despite",
    "during",
    "with",
    "without",
    "by",
    "from",
    "to",
    "until",
    "instead",
    "also",
    "even",
    "such",
    "other",
    "others",
    "each",
    "every",
    "all",
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

/// Double-quotation pairs in `text`: (byte offset of the opening mark, byte offset just after
/// the closing mark). Handles straight `"` by flanking (an opener follows space or an opening
/// bracket, a closer precedes space or punctuation), curly “ ” and „ “, and « ». An opener
/// while a quotation is already open restarts it (the earlier one was never closed); a stray
/// closer is ignored. Unclosed openers are returned with `end == usize::MAX` so callers can
/// treat a quotation that continues in the next paragraph.
pub fn quote_pairs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Only '"' (0x22), U+201C..U+201E (E2 80 9C..9E) and « » (C2 AB / C2 BB) matter.
        if b != b'"' && b != 0xE2 && b != 0xC2 {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if !matches!(c, '"' | '“' | '”' | '„' | '«' | '»') {
            i += clen;
            continue;
        }
        let prev = text[..i].chars().next_back();
        let next = text[i + clen..].chars().next();
        let kind = match c {
            '“' | '„' | '«' => Some(true),
            '”' | '»' => Some(false),
            _ => {
                let left_space = prev.is_none_or(|p| {
                    p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | '/' | '‘')
                });
                let right_space = next.is_none_or(|n| {
                    n.is_whitespace()
                        || matches!(
                            n,
                            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '—' | '–' | '’'
                        )
                });
                match (left_space, right_space) {
                    (true, false) => Some(true),
                    (false, true) => Some(false),
                    (true, true) => None,
                    // Glued on both sides ("x"y): decide by state.
                    (false, false) => Some(open.is_none()),
                }
            }
        };
        match kind {
            Some(true) => {
                // “ also closes a „…“ quotation (German style); treat it as a closer when open
                // and followed by space or punctuation.
                if c == '“'
                    && open.is_some()
                    && next.is_none_or(|n| n.is_whitespace() || n.is_ascii_punctuation())
                {
                    if let Some(o) = open.take() {
                        out.push((o, i + clen));
                    }
                } else {
                    if let Some(o) = open.take() {
                        out.push((o, usize::MAX));
                    }
                    open = Some(i);
                }
            }
            Some(false) => {
                if let Some(o) = open.take() {
                    out.push((o, i + clen));
                }
            }
            None => {}
        }
        i += clen;
    }
    if let Some(o) = open {
        out.push((o, usize::MAX));
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
    // Closed quotations no longer than this never contain a sentence boundary.
    const MAX_QUOTE: usize = 1500;
    let quotes: Vec<(usize, usize)> = quote_pairs(text)
        .into_iter()
        .filter(|&(s, e)| e != usize::MAX && e - s <= MAX_QUOTE)
        .collect();
    let mut qi = 0usize;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let (off, c) = chars[i];
        let mut boundary_after: Option<usize> = None; // byte offset (in text) where sentence ends
        if c == '\n' {
            // A line break ends a sentence when the line ended with terminal punctuation, a
            // closing quote, a colon or a bracket (corpora with one sentence per line).
            let prev = text[..off]
                .trim_end_matches([' ', '\t', '\r', '\u{a0}'])
                .chars()
                .next_back();
            if matches!(
                prev,
                Some('.' | '!' | '?' | '"' | '”' | '’' | ':' | ')' | '…')
            ) || prev.is_none()
            {
                boundary_after = Some(off);
            }
        } else if matches!(c, '.' | '!' | '?' | '…') {
            // Extend over runs of terminal punctuation and closing quotes/brackets.
            let mut j = i + 1;
            while j < chars.len()
                && matches!(
                    chars[j].1,
                    '.' | '!' | '?' | '…' | '"' | '”' | '’' | '\'' | ')' | ']' | '»'
                )
            {
                j += 1;
            }
            let end_off = if j < chars.len() {
                chars[j].0
            } else {
                text.len()
            };
            // Must be followed by whitespace then a sentence starter, or the end.
            let mut k = j;
            let mut saw_space = false;
            while k < chars.len() && matches!(chars[k].1, ' ' | '\t' | '\u{a0}' | '\r' | '\n') {
                saw_space = true;
                k += 1;
            }
            let at_end = k >= chars.len();
            let next = chars.get(k).map(|x| x.1);
            let starter = next.is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(
                        n,
                        '"' | '“' | '‘' | '\'' | '(' | '[' | '—' | '–' | '¿' | '¡' | '«' | '„'
                    )
                    || !n.is_alphabetic()
                        && !n.is_ascii_punctuation()
                        && !n.is_whitespace()
                        && n as u32 > 0x2E80
            });
            // Inside a quotation that closes later in this block: not a boundary.
            while qi < quotes.len() && quotes[qi].1 <= off {
                qi += 1;
            }
            let inside_quote = quotes[qi..]
                .iter()
                .take_while(|q| q.0 < off)
                .any(|&(s, e)| s < off && e > end_off);
            if (at_end || (saw_space && starter)) && !inside_quote {
                let next_word = next_word(text, chars.get(k).map_or(text.len(), |x| x.0));
                if c == '.' && !is_real_stop(text, off, next_word) {
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

/// The word starting at `at` (letters only), for the opener test.
fn next_word(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let rest = rest.trim_start_matches(['"', '“', '‘', '\'', '(', '[', '«']);
    let end = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    &rest[..end]
}

fn is_opener(word: &str) -> bool {
    let lower = word.to_lowercase();
    OPENERS.contains(&lower.as_str())
}

/// Whether the full stop at `dot` (byte offset in `text`) ends a sentence, given the next word.
fn is_real_stop(text: &str, dot: usize, next_word: &str) -> bool {
    // The word before the dot.
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| {
            c.is_whitespace() || matches!(c, '(' | '"' | '“' | '‘' | '[' | '—' | '–' | '/')
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    if word.is_empty() || word.ends_with('.') {
        // "..." ellipsis or a bare dot.
        return true;
    }
    let lower = word.to_lowercase();
    let bare = lower.trim_start_matches(['(', '[']);
    // "$1. 25 million": a decimal split by a stray space (wire/corpus detokenisation).
    let num = bare.trim_start_matches(['$', '€', '£']);
    if !num.is_empty()
        && num.len() <= 3
        && num.chars().all(|c| c.is_ascii_digit())
        && next_word.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    let next_is_number = next_word.chars().next().is_some_and(|c| c.is_ascii_digit());
    if TITLE_ABBREVIATIONS.contains(&bare) {
        // "No. 10", "Gen. Smith"; but "He said no. The talks…" ends a sentence.
        if matches!(
            bare,
            "no" | "nos" | "vol" | "art" | "ch" | "fig" | "pp" | "v" | "ca" | "pt"
        ) && !next_is_number
        {
            return word.chars().next().is_some_and(|c| c.is_lowercase()) && is_opener(next_word);
        }
        return false;
    }
    if DATE_ABBREVIATIONS.contains(&bare) {
        return !next_is_number && is_opener(next_word);
    }
    if AMBIGUOUS_ABBREVIATIONS.contains(&bare) {
        return is_opener(next_word);
    }
    // Single-letter initial: "John F. Kennedy", "J. Smith".
    let mut wc = word.chars();
    if let (Some(c), None) = (wc.next(), wc.next()) {
        if c.is_uppercase() {
            return false;
        }
    }
    // Dotted acronym like "U.S" or "a.m" (the final dot is this one).
    if word.contains('.')
        && word.chars().filter(|c| c.is_alphabetic()).count() <= 4
        && !word.contains("..")
    {
        return is_opener(next_word);
    }
    true
}

fn push_trimmed(
    out: &mut Vec<std::ops::Range<usize>>,
    text: &str,
    base: usize,
    s: usize,
    e: usize,
) {
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
    use crate::analysis::document::Document;

    fn sents(t: &str) -> Vec<&str> {
        split(t, 0..t.len()).into_iter().map(|r| &t[r]).collect()
    }

    fn doc_sents(t: &str) -> Vec<String> {
        let d = Document::parse(t, None);
        d.sentences
            .iter()
            .map(|s| d.prose[s.span.clone()].trim().to_string())
            .collect()
    }

    #[test]
    fn basic_and_abbreviations() {
        assert_eq!(
            sents("Mr. Ryabkov met Gen. Smith in the U.S. capital on Sept. 12. They talked."),
            vec![
                "Mr. Ryabkov met Gen. Smith in the U.S. capital on Sept. 12.",
                "They talked."
            ]
        );
        assert_eq!(
            sents("John F. Kennedy spoke. Then he left!"),
            vec!["John F. Kennedy spoke.", "Then he left!"]
        );
        assert_eq!(
            sents("Growth was 3.5 percent. Prices rose."),
            vec!["Growth was 3.5 percent.", "Prices rose."]
        );
    }

    #[test]
    fn ambiguous_abbreviations_end_sentences_before_openers() {
        assert_eq!(
            sents("The money went to the U.S. The rest stayed in Europe."),
            vec!["The money went to the U.S.", "The rest stayed in Europe."]
        );
        assert_eq!(
            sents("Shares of Acme Corp. Chief Executive Jane Roe sold rose."),
            vec!["Shares of Acme Corp. Chief Executive Jane Roe sold rose."]
        );
        assert_eq!(
            sents("He was ill. The doctor came."),
            vec!["He was ill.", "The doctor came."]
        );
        assert_eq!(
            sents("He said no. The talks ended."),
            vec!["He said no.", "The talks ended."]
        );
        assert_eq!(
            sents("They met at No. 10 Downing Street."),
            vec!["They met at No. 10 Downing Street."]
        );
        assert_eq!(
            sents("The vote is on Sept. 22. The result follows."),
            vec!["The vote is on Sept. 22.", "The result follows."]
        );
        assert_eq!(
            sents("It starts at 3 p.m. Thursday in Geneva."),
            vec!["It starts at 3 p.m. Thursday in Geneva."]
        );
        assert_eq!(
            sents("It ended at 3 p.m. The crowd left."),
            vec!["It ended at 3 p.m.", "The crowd left."]
        );
        assert_eq!(
            sents("Sen. Ted Cruz and Rep. Smith voted. Others abstained."),
            vec!["Sen. Ted Cruz and Rep. Smith voted.", "Others abstained."]
        );
    }

    #[test]
    fn quotes_close_after_stop() {
        assert_eq!(
            sents("“We will not retreat.” The minister left. \"Never,\" he said."),
            vec![
                "“We will not retreat.”",
                "The minister left.",
                "\"Never,\" he said."
            ]
        );
    }

    #[test]
    fn quotes_spanning_sentences_stay_whole() {
        assert_eq!(
            sents("“We will not retreat. We will hold,” he said. Then he left."),
            vec![
                "“We will not retreat. We will hold,” he said.",
                "Then he left."
            ]
        );
        assert_eq!(
            sents("Mr. Ryabkov was blunt: \"Nobody should expect a treaty. That is not what today was about.\" He left."),
            vec!["Mr. Ryabkov was blunt: \"Nobody should expect a treaty. That is not what today was about.\"", "He left."]
        );
        // An unclosed quotation (continues in the next paragraph) does not swallow the block.
        assert_eq!(
            sents("“We will not retreat. We will hold the line."),
            vec!["“We will not retreat.", "We will hold the line."]
        );
    }

    #[test]
    fn quote_pairs_flanking() {
        let t = "He called it \"a step,\" and 'x' \"Two or three\" is \"open";
        let p = quote_pairs(t);
        assert_eq!(p.len(), 3);
        assert_eq!(&t[p[0].0..p[0].1], "\"a step,\"");
        assert_eq!(&t[p[1].0..p[1].1], "\"Two or three\"");
        assert_eq!(p[2].1, usize::MAX);
        let t = "“One. “Two,” he said";
        let p = quote_pairs(t);
        assert_eq!(p[0].1, usize::MAX);
        assert_eq!(&t[p[1].0..p[1].1], "“Two,”");
    }

    #[test]
    fn one_sentence_per_line() {
        assert_eq!(
            sents("First line.\nSecond line\ncontinues here.\n"),
            vec!["First line.", "Second line\ncontinues here."]
        );
    }

    #[test]
    fn cjk_and_emoji() {
        assert_eq!(
            sents("王毅 spoke. 🎉 Then applause."),
            vec!["王毅 spoke.", "🎉 Then applause."]
        );
    }

    #[test]
    fn lowercase_after_dot_is_not_a_boundary() {
        assert_eq!(
            sents("He left at 3 p.m. and returned."),
            vec!["He left at 3 p.m. and returned."]
        );
    }

    #[test]
    fn markdown_bullets_headings_datelines() {
        let t = "# Talks end. Or do they\n\nGENEVA — Analysts say talks ended. Diplomats left.\n\n- Item one. Still item one\n• Item two\n\n> Quoted block. Second.\n";
        assert_eq!(
            doc_sents(t),
            vec![
                "Talks end.",
                "Or do they",
                "GENEVA — Analysts say talks ended.",
                "Diplomats left.",
                "Item one.",
                "Still item one",
                "Item two",
                "Quoted block.",
                "Second."
            ]
        );
        let t = "Ryabkov *said* the talks were **over**. He left.[^1]\n\n[^1]: Source.\n";
        assert_eq!(
            doc_sents(t),
            vec![
                "Ryabkov  said  the talks were   over  .",
                "He left.",
                "Source."
            ]
        );
    }

    #[test]
    fn never_panics() {
        for t in [
            "", ".", "\"", "“", "U.S.", "a. b. c.", "…", "No.", "x\n\n.", "“.”", "'\"'",
        ] {
            let _ = sents(t);
            let _ = quote_pairs(t);
        }
    }
}
