//! `weasel-word` (hint): a hedge that implies a source without naming one ("reportedly",
//! "allegedly", "arguably", "is widely regarded as", "probably", "some historians"). The list
//! is the `weasel-words` lexicon (extend or replace it in `byline.toml`). Phrases already
//! reported by `vague-attribution` and words inside quotations (the speaker's own) are not
//! repeated.
//!
//! An entry may carry tags after a tab. `weak` marks a cue that is only worth a hint when the
//! writer speaks in their own voice: it is skipped inside any quotation. No cue is reported
//! inside what a named source (a person, an institution, an official) is reported to say: the
//! hedge is theirs. Vague quantifiers ("some", "many",
//! "several", "certain") also need a following noun phrase: "some 200 people", "many years",
//! "how many votes", "as many as", "for certain" and "The Many Lives" are not hedges.

use super::super::document::{BlockKind, Document};
use super::super::{Attribution, Context, Finding, Quote, SourceKind};
use super::fixes::{add_footnote, disable_line, finding};

pub const CODE: &str = "weasel-word";

/// Determiners that hedge by leaving the quantity and the group open.
const QUANTIFIERS: &[&str] = &[
    "some",
    "many",
    "several",
    "certain",
    "numerous",
    "various",
    "most",
    "few",
    "countless",
];

/// Words after which a quantifier counts or compares ("how many", "as many") or is an adjective
/// ("for certain", "is certain"), or names a known set ("the many", "his many").
const NOT_AFTER: &[&str] = &[
    "how", "as", "so", "too", "this", "for", "is", "are", "was", "were", "be", "been", "am",
    "almost", "not", "quite", "very", "fairly", "pretty", "make", "made", "the", "its", "his",
    "her", "their", "our", "your", "my", "whose", "these", "those", "a", "at",
];

/// Words after which a quantifier is a count or a time span, not a hedge.
const NOT_BEFORE: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
    "dozens",
    "percent",
    "per",
    "more",
    "less",
    "fewer",
    "much",
    "year",
    "years",
    "time",
    "times",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "decade",
    "decades",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "point",
    "while",
    "sense",
    "extent",
    "degree",
    "kind",
    "sort",
    "form",
    "way",
    "momentum",
    "progress",
    "that",
    "to",
    "whether",
    "about",
    "if",
    "and",
    "or",
    "than",
];

fn advice(w: &str) -> &'static str {
    let first = w.split_whitespace().next().unwrap_or(w);
    let last = w.split_whitespace().last().unwrap_or(w);
    match w {
        "reportedly" | "widely reported" => return "say who reported it, or cite the report",
        "allegedly" | "it is alleged" | "alleged" => return "say who alleges it",
        "arguably" | "it could be argued" => {
            return "make the argument yourself or attribute it";
        }
        "apparently" | "seemingly" => return "say how this is known",
        "supposedly" | "purportedly" | "reputedly" => return "say who claims it",
        "studies show" | "studies suggest" | "research shows" | "research suggests" => {
            return "cite the study";
        }
        _ => {}
    }
    if w.starts_with("one of the") || w.starts_with("most ") || w.contains("known") {
        return "say by what measure, or who says so";
    }
    let first = match w.split_whitespace().nth(1) {
        Some(second) if matches!(first, "in" | "while") => second,
        _ => first,
    };
    if QUANTIFIERS.contains(&first) || first == "others" || first == "there" {
        return "say who, or how many, or cite a source";
    }
    match last {
        "probably" | "possibly" | "perhaps" | "presumably" | "likely" | "possible" | "might"
        | "could" | "may" => "say who thinks so and on what evidence, or state it firmly",
        "considered" | "regarded" | "seen" | "viewed" | "believed" | "thought" | "known"
        | "described" | "called" | "recognised" | "recognized" | "accepted" | "acknowledged"
        | "hailed" | "praised" | "criticised" | "criticized" => {
            "say who holds this view, or cite a source"
        }
        "famous" | "notable" | "influential" | "renowned" | "celebrated" | "legendary"
        | "acclaimed" | "best-known" | "well-known" | "greatest" | "finest" | "popular" => {
            "say by what measure, or who says so"
        }
        _ => "name the source or cite it",
    }
}

/// The word (letters, digits, `-`, `'`) of `text` ending right before `at`, skipping spaces.
fn word_before(text: &str, at: usize) -> &str {
    let head = text[..at].trim_end_matches([' ', '\u{a0}', '\t']);
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &head[start..]
}

/// The word starting right after `at` (one run of spaces allowed), or "" at punctuation.
fn word_after(text: &str, at: usize) -> &str {
    let tail = &text[at..];
    let rest = tail.trim_start_matches([' ', '\u{a0}', '\t']);
    if rest.len() == tail.len() {
        return "";
    }
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// A lone quantifier ("some", "many") hedges only as the determiner of a noun phrase.
fn quantifier_hedges(
    doc: &Document<'_>,
    r: &std::ops::Range<usize>,
    sentence_start: usize,
) -> bool {
    let p = &doc.prose;
    let word = &p[r.clone()];
    let before = word_before(p, r.start);
    let at_start = p[sentence_start..r.start]
        .chars()
        .all(|c| !c.is_alphanumeric());
    // Title case inside a sentence: a title ("The Many Lives of …").
    if !at_start && word.starts_with(|c: char| c.is_uppercase()) {
        return false;
    }
    if NOT_AFTER.iter().any(|w| before.eq_ignore_ascii_case(w)) {
        return false;
    }
    let next = word_after(p, r.end);
    if next.is_empty()
        || next.starts_with(|c: char| c.is_ascii_digit())
        || NOT_BEFORE.iter().any(|w| next.eq_ignore_ascii_case(w))
    {
        return false;
    }
    true
}

/// True when a named source (a person, an institution, an affiliated official) in sentence `si`
/// owns `span`: it lies in what they are reported to say or at the cue. A hedge inside the
/// source phrase itself ("Some Muslims believe …", "Most critics praised …") means the source
/// is not really named, so it does not count.
fn owned_by_named_source(atts: &[Attribution], si: usize, span: &std::ops::Range<usize>) -> bool {
    atts.iter().any(|a| {
        a.sentence == si
            && matches!(
                a.kind,
                SourceKind::NamedPerson | SourceKind::Institution | SourceKind::Anonymous
            )
            && ((a.content.start <= span.start && span.end <= a.content.end)
                || (a.cue.start <= span.start && span.start < a.cue.end))
    })
}

/// True when the entry's tags (after a tab) include `tag`.
fn has_tag(entry: &str, tag: &str) -> bool {
    entry
        .split_once('\t')
        .is_some_and(|(_, tags)| tags.split([',', ' ']).any(|t| t == tag))
}

pub fn check(
    doc: &Document<'_>,
    atts: &[Attribution],
    quotes: &[Quote],
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    let lex = ctx.lexicons.get("weasel-words");
    let entries = lex.entries();
    // Phrases `vague-attribution` reported (it runs first): not repeated. Vague groups it lets
    // pass ("most critics praised") are still hedges here.
    let vague: Vec<_> = out
        .iter()
        .filter(|f| f.code == super::vague_attribution::CODE)
        .map(|f| f.span.clone())
        .collect();
    // One pass over the whole prose; each match is placed in its sentence.
    for (r, idx) in lex.find_words(&doc.prose) {
        let Some(si) = doc.sentence_at(r.start) else {
            continue;
        };
        let s = &doc.sentences[si];
        if r.end > s.span.end
            || matches!(
                doc.sentence_kind(si),
                BlockKind::Byline | BlockKind::Credit | BlockKind::FootnoteDef
            )
        {
            continue;
        }
        let span = r.clone();
        if vague
            .iter()
            .any(|v| v.start < span.end && span.start < v.end)
        {
            continue;
        }
        if quotes
            .iter()
            .any(|q| q.words >= 2 && q.span.start < span.start && span.end < q.span.end)
        {
            continue;
        }
        let w = doc.prose[r.clone()].to_lowercase();
        if QUANTIFIERS.contains(&w.as_str()) && !quantifier_hedges(doc, &r, s.span.start) {
            continue;
        }
        if owned_by_named_source(atts, si, &span) {
            continue;
        }
        if entries.get(idx).is_some_and(|e| has_tag(e, "weak"))
            && (quotes
                .iter()
                .any(|q| q.span.start < span.start && span.end < q.span.end))
        {
            continue;
        }
        let shown = doc.text.get(span.clone()).unwrap_or(&w).to_string();
        let mut f = finding(
            CODE,
            span.clone(),
            format!("'{shown}': hedge with no source; {}", advice(&w)),
        );
        f.fixes = vec![
            add_footnote(doc, s.span.end),
            disable_line(doc, CODE, span.start),
        ];
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::analysis::testutil::ctx;
    use crate::analysis::{Context, Lexicons};
    use crate::config::LexiconPatch;
    use std::collections::BTreeMap;

    fn flags(t: &str) -> Vec<String> {
        crate::analysis::testutil::flagged(t, super::CODE)
    }

    #[test]
    fn fires_on_hedges() {
        assert_eq!(
            flags("Talks were reportedly scheduled to finish at noon."),
            vec!["reportedly"]
        );
        assert_eq!(
            flags("Russia arguably has the larger stockpile."),
            vec!["arguably"]
        );
        assert_eq!(
            flags("Studies show the levy hurts exporters."),
            vec!["Studies show"]
        );
    }

    #[test]
    fn quiet_inside_quotes_and_vague_attributions() {
        assert!(flags("“He allegedly took the money,” the prosecutor said.").is_empty());
        assert!(flags("Some say the levy was rushed.").is_empty());
        assert!(flags("It is believed that the minister resigned.").is_empty());
        assert!(flags("The minister said the report was accurate.").is_empty());
    }

    #[test]
    fn learned_hedges_fire() {
        assert_eq!(
            flags("The vote will probably slip to spring."),
            vec!["probably"]
        );
        assert_eq!(flags("Some dock workers fear the new rota."), vec!["Some"]);
        assert_eq!(
            flags("The harbour master is considered the most cautious member."),
            vec!["is considered"]
        );
        assert_eq!(
            flags("In some districts the timetable was never published."),
            vec!["In some"]
        );
    }

    #[test]
    fn quantifiers_that_count_are_quiet() {
        assert!(flags("Some 300 people attended the hearing.").is_empty());
        assert!(flags("The crossing has run for many years.").is_empty());
        assert!(flags("How many ferries will run is not known.").is_empty());
        assert!(flags("She was certain that the vote would pass.").is_empty());
        assert!(flags("The mayor may attend the opening in May.").is_empty());
    }

    #[test]
    fn a_named_sources_own_hedges_are_quiet() {
        assert!(flags("Councillor Anja Berg said some members had not read it.").is_empty());
        assert!(flags("The port authority said the berths would probably close.").is_empty());
        assert!(flags("“Some of us will lose our jobs,” said Piet Ruud.").is_empty());
    }

    #[test]
    fn advice_names_what_to_do() {
        assert_eq!(
            super::advice("some"),
            "say who, or how many, or cite a source"
        );
        assert_eq!(
            super::advice("in some"),
            "say who, or how many, or cite a source"
        );
        assert_eq!(
            super::advice("one of the most"),
            "say by what measure, or who says so"
        );
        assert_eq!(
            super::advice("is considered"),
            "say who holds this view, or cite a source"
        );
    }

    #[test]
    fn lexicon_is_configurable() {
        let mut p = BTreeMap::new();
        p.insert(
            "weasel-words".to_string(),
            LexiconPatch {
                replace: Some(vec!["clearly".into()]),
                add: vec![],
                remove: vec![],
            },
        );
        let lex = Lexicons::with_patches(&p);
        let base = ctx();
        let c = Context {
            lexicons: &lex,
            ..base
        };
        let t = "Talks were reportedly over and clearly failed.";
        let v: Vec<_> = analyze(t, &c)
            .findings
            .into_iter()
            .filter(|f| f.code == super::CODE)
            .map(|f| t[f.span].to_string())
            .collect();
        assert_eq!(v, vec!["clearly"]);
    }
}
