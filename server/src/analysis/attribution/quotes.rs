//! Direct quotations: straight and curly double quotes (pairs may span sentences, and a
//! quotation left open at the end of a paragraph continues in the next one when that paragraph
//! opens with a quote mark), curly or straight single quotes (British style, scare quotes), and
//! Markdown block quotes without marks.

use super::super::document::{BlockKind, Document};
use super::super::sentences::quote_pairs;
use super::super::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteInfo {
    /// Including the marks (for a block quote: the block's text).
    pub span: Span,
    pub block: usize,
    /// Quotations of one multi-paragraph quotation share a chain id.
    pub chain: usize,
    /// A Markdown `>` block without quote marks.
    pub block_quote: bool,
    pub single: bool,
    pub words: usize,
    /// Both marks present (false for a quotation that continues on the next line/paragraph).
    pub closed: bool,
}

/// Number of words (alphanumeric runs) in `s`.
pub fn count_words(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        let w = c.is_alphanumeric() || (in_word && matches!(c, '\'' | '’' | '-'));
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

fn opens_with_quote(s: &str) -> bool {
    s.trim_start().starts_with(['“', '"', '«', '„'])
}

/// All quotations in text order.
pub fn find_quotes(doc: &Document<'_>) -> Vec<QuoteInfo> {
    let prose = doc.prose.as_str();
    let mut out: Vec<QuoteInfo> = Vec::new();
    let mut chain = 0usize;
    let mut continue_chain: Option<usize> = None;
    for (bi, b) in doc.blocks.iter().enumerate() {
        if matches!(b.kind, BlockKind::FootnoteDef) {
            continue_chain = None;
            continue;
        }
        let Some(text) = prose.get(b.span.clone()) else {
            continue;
        };
        let base = b.span.start;
        let mut pairs = quote_pairs(text);
        // One paragraph per line (or a quotation continued on the next line with a fresh
        // opening mark): an unclosed quotation restarted at a line start continues there.
        let mut chained_next: Vec<bool> = vec![false; pairs.len()];
        for k in 0..pairs.len().saturating_sub(1) {
            let (o, e) = pairs[k];
            let ns = pairs[k + 1].0;
            if e == usize::MAX && text[..ns].trim_end_matches([' ', '\t']).ends_with('\n') {
                let end = text[..ns].trim_end().len().max(o + 1);
                pairs[k] = (o, end);
                chained_next[k] = true;
            }
        }
        let mut first = true;
        let mut chain_carry: Option<usize> = None;
        let mut next_continue = None;
        let mut doubles: Vec<Span> = Vec::new();
        for (k, (s, e)) in pairs.into_iter().enumerate() {
            let this_chain = if let Some(c) = chain_carry.take() {
                c
            } else if first && continue_chain.is_some() && text[..s].trim().is_empty() {
                continue_chain.unwrap_or(chain)
            } else {
                chain += 1;
                chain
            };
            if chained_next[k] {
                chain_carry = Some(this_chain);
            }
            first = false;
            let closed = e != usize::MAX && !chained_next[k];
            let end = if e == usize::MAX {
                // Unclosed: a quotation continuing in the next paragraph, or a stray mark.
                let follows = doc.blocks.get(bi + 1).is_some_and(|nb| {
                    nb.kind == b.kind && prose.get(nb.span.clone()).is_some_and(opens_with_quote)
                });
                if !follows {
                    continue;
                }
                next_continue = Some(this_chain);
                text.trim_end().len()
            } else {
                e
            };
            let span = base + s..base + end;
            doubles.push(span.clone());
            out.push(QuoteInfo {
                words: count_words(&prose[span.clone()]),
                span,
                block: bi,
                chain: this_chain,
                block_quote: false,
                single: false,
                closed,
            });
        }
        continue_chain = next_continue;
        // Single quotes outside double quotes.
        for (s, e) in single_pairs(text) {
            let span = base + s..base + e;
            if doubles
                .iter()
                .any(|d| d.start <= span.start && span.end <= d.end)
            {
                continue;
            }
            chain += 1;
            out.push(QuoteInfo {
                words: count_words(&prose[span.clone()]),
                span,
                block: bi,
                chain,
                block_quote: false,
                single: true,
                closed: true,
            });
        }
        if b.kind == BlockKind::BlockQuote && doubles.is_empty() {
            let lead = text.len() - text.trim_start().len();
            let t = text.trim();
            if !t.is_empty() {
                chain += 1;
                let span = base + lead..base + lead + t.len();
                out.push(QuoteInfo {
                    words: count_words(t),
                    span,
                    block: bi,
                    chain,
                    block_quote: true,
                    single: false,
                    closed: true,
                });
            }
        }
    }
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// Single-quote pairs: ‘…’ and '…' where the opener starts a word and the closer ends one, at
/// most 300 bytes apart (apostrophes such as "don’t" or "Americans’" never open a pair).
fn single_pairs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
            open = None;
            i += 1;
            continue;
        }
        // '\'' or U+2018/U+2019 (E2 80 98/99).
        if b != b'\'' && b != 0xE2 {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if !matches!(c, '‘' | '\'' | '’') {
            i += clen;
            continue;
        }
        let prev = text[..i].chars().next_back();
        let next = text[i + clen..].chars().next();
        let left_ok = prev
            .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '"' | '“'));
        let right_word = next.is_some_and(|n| n.is_alphanumeric());
        let right_end = next.is_none_or(|n| !n.is_alphanumeric());
        let prev_ok = prev.is_some_and(|p| !p.is_whitespace());
        if let Some((o, oc)) = open {
            let matching = (oc == '‘' && c == '’') || (oc == '\'' && c == '\'');
            if matching && right_end && prev_ok {
                let max = if oc == '\'' { 150 } else { 300 };
                if i - o <= max {
                    out.push((o, i + clen));
                }
                open = None;
                i += clen;
                continue;
            }
        }
        // A straight opener must start a word with a letter ("'37-game" is an apostrophe).
        let letter_next = next.is_some_and(char::is_alphabetic);
        if (c == '‘' && left_ok && right_word) || (c == '\'' && left_ok && letter_next) {
            open = Some((i, c));
        }
        i += clen;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(t: &str) -> Vec<String> {
        let d = Document::parse(t, None);
        find_quotes(&d)
            .iter()
            .map(|q| t[q.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn straight_curly_single() {
        assert_eq!(
            quotes("He called it \"a step.\" She said ‘no’ and the Americans’ plan was 'grid levy' talk. “Don’t,” he said."),
            vec!["\"a step.\"", "‘no’", "'grid levy'", "“Don’t,”"]
        );
    }

    #[test]
    fn multi_paragraph_chain_and_block_quote() {
        let t = "“We will not retreat.\n\n“We will hold,” she said.\n\nThe ministry said:\n\n> We reject the claims entirely.\n";
        let d = Document::parse(t, None);
        let q = find_quotes(&d);
        assert_eq!(q.len(), 3);
        assert_eq!(&t[q[0].span.clone()], "“We will not retreat.");
        assert_eq!(q[0].chain, q[1].chain);
        assert!(q[2].block_quote);
        assert_eq!(&t[q[2].span.clone()], "We reject the claims entirely.");
        assert_eq!(q[2].words, 5);
    }

    #[test]
    fn stray_opener_is_dropped() {
        assert_eq!(
            quotes("He said “nothing.\n\nThen he left."),
            Vec::<String>::new()
        );
    }
}
