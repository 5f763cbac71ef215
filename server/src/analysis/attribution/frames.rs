//! Quote frames: the speaker of a direct quotation from the words right around it, for the
//! quotations the cue-verb pass left without an attribution in their sentence.
//!
//! Three frames, all inside the quotation's own sentence:
//! - trailer, subject first: “…,” Paradis said with a laugh. / “…,” the campaign added in a
//!   statement. (whatever follows the cue does not matter: the content is the quotation);
//! - trailer, cue first: “…,” said former secretary of state Jane Doe, who … / “…,” mused
//!   co-host Stu Burr.;
//! - lead-in: She then went on to say, “…” / Doe told reporters: “…”.
//!
//! The source phrase must look like one (a capitalised run, a pronoun, or a determiner phrase
//! of a few words) and is classified like every other source (`np::classify`). Never panics.

use super::np::{classify, Env, Registry};
use super::quotes::QuoteInfo;
use super::tokens::{capitalised, is_any, tokenize, tt, Tok};
use super::CueTable;
use crate::analysis::document::Document;
use crate::analysis::Attribution;

/// Words a source phrase may start with besides a capitalised word.
const STARTERS: &[&str] = &[
    "he", "she", "they", "we", "i", "it", "a", "an", "the", "one", "another", "his", "her",
    "their", "its", "our", "my", "some", "many", "several", "two", "three", "both", "former",
    "fellow", "co-host", "host", "this",
];

/// Adverbs between a subject and its cue ("she later added").
const LINK_ADVERBS: &[&str] = &[
    "then", "also", "later", "again", "once", "still", "finally", "quickly", "simply", "only",
    "just", "further", "even", "has", "had", "have", "would", "will", "was", "is",
];

/// Words that end a cue-first source phrase once it has a capitalised word ("said Jane Doe,
/// who …", "said Doe in a statement").
const PHRASE_END: &[&str] = &[
    "who", "in", "on", "at", "to", "during", "after", "before", "when", "while", "as", "with",
    "from", "of", "about", "and", "but", "because", "last", "this", "on", "that", "told",
];

/// Speech verbs that are cues only right after a quotation (`trailer-verbs.txt`).
static TRAILER_VERBS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("trailer-verbs.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });

/// Whether `w` is one of the speech verbs of `trailer-verbs.txt`.
pub(super) fn trailer_verb(w: &str) -> bool {
    w.len() < 24 && TRAILER_VERBS.contains(w.to_ascii_lowercase().as_str())
}

/// Longest source phrase looked at, in tokens.
const MAX_SOURCE: usize = 9;

/// Attributions for quotations whose sentences have none (see the module docs).
pub(super) fn quote_frames(
    doc: &Document<'_>,
    env: &Env<'_>,
    reg: &mut Registry,
    table: &CueTable,
    qinfos: &[QuoteInfo],
    out: &mut Vec<Attribution>,
) {
    let prose = env.prose;
    let mut toks: Vec<Tok> = Vec::with_capacity(64);
    let mut with_att: Vec<bool> = vec![false; doc.sentences.len()];
    for a in out.iter() {
        if let Some(w) = with_att.get_mut(a.sentence) {
            *w = true;
        }
    }
    let is_cue = |p: &str, t: &Tok| table.cue_word(p, t, &["passive", "stmt", "at"]);
    for q in qinfos
        .iter()
        .filter(|q| q.closed && !q.block_quote && q.words >= 2)
    {
        let Some(si) = doc.sentence_at(q.span.start) else {
            continue;
        };
        let ei = doc
            .sentence_at(q.span.end.saturating_sub(1))
            .unwrap_or(si)
            .max(si);
        if (si..=ei).any(|k| with_att.get(k).copied().unwrap_or(true)) {
            continue;
        }
        let sent = doc.sentences[ei].span.clone();
        // Trailer.
        toks.clear();
        tokenize(prose, q.span.end..sent.end.max(q.span.end), &mut toks);
        let trailer_cue = |p: &str, t: &Tok| {
            is_cue(p, t) || (t.word && !capitalised(t) && trailer_verb(tt(p, t)))
        };
        let mut frame = trailer(prose, &toks, &trailer_cue);
        if frame.is_none() {
            // A credit may stand after the sentence's end: “….” [Outlet.]
            let block_end = doc
                .blocks
                .get(doc.sentences[ei].block)
                .map_or(sent.end, |b| b.span.end)
                .max(q.span.end);
            let end =
                crate::analysis::document::floor_char(prose, (q.span.end + 120).min(block_end));
            toks.clear();
            tokenize(prose, q.span.end..end.max(q.span.end), &mut toks);
            frame = credit(prose, &toks);
        }
        if frame.is_none() {
            let start = doc.sentences[si].span.start;
            toks.clear();
            tokenize(prose, start..q.span.start.max(start), &mut toks);
            frame =
                lead_in(prose, &toks, env, &is_cue).or_else(|| colon_lead_in(prose, &toks, env));
        }
        let found = frame.and_then(|(src, cue)| {
            let s = classify(env, reg, &toks[src], doc.sentences[si].span.start)?;
            Some((s, toks[cue].s..toks[cue].e))
        });
        if let Some((src, cue)) = found {
            let cue_sentence = doc.sentence_at(cue.start).unwrap_or(si);
            out.push(Attribution {
                source_text: prose.get(src.span.clone()).unwrap_or("").to_string(),
                source: src.span,
                kind: src.kind,
                person: src.person,
                cue,
                content: q.span.clone(),
                sentence: cue_sentence,
            });
            if let Some(w) = with_att.get_mut(cue_sentence) {
                *w = true;
            }
        }
    }
}

/// A token that may stand inside a source phrase: a word, an abbreviation dot, a hyphen.
fn phrase_tok(t: &Tok) -> bool {
    t.word || matches!(t.ch, '.' | '-' | '\'' | '’')
}

/// Whether `toks` can be a source phrase.
fn source_like(p: &str, toks: &[Tok]) -> bool {
    let Some(first) = toks.first() else {
        return false;
    };
    first.word
        && (capitalised(first) || is_any(p, first, STARTERS))
        && toks.iter().all(phrase_tok)
        && !is_any(
            p,
            first,
            &["that", "this", "these", "those", "but", "and", "so"],
        )
}

/// `(source tokens, cue token)` of a trailer after a closing quote mark.
fn trailer(
    p: &str,
    toks: &[Tok],
    is_cue: &dyn Fn(&str, &Tok) -> bool,
) -> Option<(std::ops::Range<usize>, usize)> {
    let mut k = 0;
    // Punctuation outside the closing mark: “…”, he said.
    while k < toks.len() && !toks[k].word && matches!(toks[k].ch, ',' | '—' | '–') {
        k += 1;
    }
    let first = toks.get(k)?;
    if !first.word {
        return None;
    }
    if is_cue(p, first) {
        // Cue first: the phrase runs to punctuation, or to a phrase-ending word after a name.
        let start = k + 1;
        let mut j = start;
        let mut named = false;
        while j < toks.len() && j - start < MAX_SOURCE && phrase_tok(&toks[j]) {
            if !toks[j].word && toks[j].ch == '.' && j + 1 == toks.len() {
                break;
            }
            if toks[j].word && named && is_any(p, &toks[j], PHRASE_END) {
                break;
            }
            named |= capitalised(&toks[j]);
            j += 1;
        }
        let src = start..j;
        let has_name = toks[src.clone()].iter().any(capitalised)
            || toks
                .get(start)
                .is_some_and(|t| is_any(p, t, &["he", "she", "they", "we", "i", "a", "an", "the"]));
        return (j > start && has_name && source_like(p, &toks[src.clone()])).then_some((src, k));
    }
    // Subject first: up to MAX_SOURCE phrase tokens, optional adverbs, then the cue.
    let start = k;
    let mut j = start;
    while j < toks.len() && j - start <= MAX_SOURCE && phrase_tok(&toks[j]) {
        if is_cue(p, &toks[j]) && j > start {
            let mut end = j;
            while end > start + 1 && is_any(p, &toks[end - 1], LINK_ADVERBS) {
                end -= 1;
            }
            let src = start..end;
            return source_like(p, &toks[src.clone()]).then_some((src, j));
        }
        j += 1;
    }
    None
}

/// The end of the noun phrase that opens `toks` (before `limit`): a pronoun, a determiner and
/// up to three words, or a run of capitalised words ("Jo Ruiz", "U.S. Rep. Al Finn").
fn leading_np(p: &str, toks: &[Tok], limit: usize) -> usize {
    let Some(first) = toks.first().filter(|t| t.word) else {
        return 0;
    };
    if is_any(p, first, &["he", "she", "they", "we", "i"]) {
        return 1;
    }
    let mut e = 1;
    if is_any(
        p,
        first,
        &[
            "the", "a", "an", "this", "his", "her", "their", "its", "our",
        ],
    ) {
        while e < limit && e < 4 && toks[e].word && !is_any(p, &toks[e], LINK_ADVERBS) {
            e += 1;
        }
        return e;
    }
    if !capitalised(first) {
        return 0;
    }
    while e < limit
        && e < MAX_SOURCE
        && (capitalised(&toks[e]) || (!toks[e].word && toks[e].ch == '.'))
    {
        e += 1;
    }
    e
}

/// A credit line after a quotation: “…” — Jane Doe, “…” ― Doe, minister; “Headline” – Outlet;
/// “…” —@handle. The dash is the cue; the source runs to the next comma or bracket.
fn credit(p: &str, toks: &[Tok]) -> Option<(std::ops::Range<usize>, usize)> {
    let dash = toks.first()?;
    // A bracketed source right after the quotation: “…” [Outlet.] / “…” (Outlet)
    if !dash.word && matches!(dash.ch, '[' | '(') {
        let close = toks
            .iter()
            .take(MAX_SOURCE + 2)
            .position(|t| !t.word && matches!(t.ch, ']' | ')'))?;
        let inner = 1..close;
        let words: Vec<&Tok> = toks[inner.clone()].iter().filter(|t| t.word).collect();
        let ok = !words.is_empty()
            && words
                .iter()
                .all(|t| capitalised(t) || is_any(p, t, &["of", "the"]))
            && toks[inner.clone()]
                .iter()
                .all(|t| t.word || matches!(t.ch, '.' | ',' | '\'' | '’' | '/'));
        return ok.then_some((inner, 0));
    }
    if dash.word || !matches!(dash.ch, '—' | '–' | '―' | '-') {
        return None;
    }
    let mut start = 1;
    if toks.get(1).is_some_and(|t| !t.word && t.ch == '@') {
        start = 2;
    }
    let first = toks.get(start)?;
    if !first.word || !(capitalised(first) || start == 2) {
        return None;
    }
    let mut j = start;
    while j < toks.len() && j - start < MAX_SOURCE && phrase_tok(&toks[j]) {
        if toks[j].word
            && !capitalised(&toks[j])
            && j > start
            && !is_any(p, &toks[j], &["of", "de", "van", "von", "al"])
        {
            break;
        }
        j += 1;
    }
    Some((start..j, 0))
}

/// A colon lead-in with no cue verb: "Trump leaned in and boomed: “…”", "pollster Jo Ruiz:
/// “…”". The colon is the cue; the source is the first person named in the lead-in, else a
/// leading pronoun.
fn colon_lead_in(p: &str, toks: &[Tok], env: &Env<'_>) -> Option<(std::ops::Range<usize>, usize)> {
    let last = toks.len().checked_sub(1)?;
    if toks[last].word || toks[last].ch != ':' {
        return None;
    }
    // The clause of the colon: after the last semicolon or dash.
    let from = toks[..last]
        .iter()
        .rposition(|t| !t.word && matches!(t.ch, ';' | '—' | '–'))
        .map_or(0, |k| k + 1);
    let (lo, hi) = (toks.get(from)?.s, toks[last].s);
    if let Some(m) = env.people.iter().find(|m| {
        m.role == crate::analysis::PersonRole::Subject && m.span.start >= lo && m.span.end <= hi
    }) {
        let a = toks.partition_point(|t| t.s < m.span.start);
        let b = toks.partition_point(|t| t.s < m.span.end);
        return (a < b).then_some((a..b, last));
    }
    let first = &toks[from];
    if first.word && is_any(p, first, &["he", "she", "they", "we", "i"]) {
        return Some((from..from + 1, last));
    }
    // A leading noun phrase: "The letter continues:", "The Daily Post focuses on …:".
    let mut e = from;
    while e < last
        && e - from < MAX_SOURCE
        && toks[e].word
        && (e == from || capitalised(&toks[e]) || is_any(p, &toks[e], &["of"]))
    {
        e += 1;
    }
    if e == from + 1
        && !is_any(
            p,
            first,
            &["the", "a", "an", "this", "his", "her", "their", "its"],
        )
    {
        // One capitalised word: a name only when a verb follows ("Isaiah reads:"), not an
        // adverb ("Then, later on TV:").
        if !toks.get(e).is_some_and(|t| t.word) || super::S_ADVERBIAL.has(tt(p, first)) {
            return None;
        }
    }
    if e < last
        && is_any(
            p,
            first,
            &["the", "a", "an", "this", "his", "her", "their", "its"],
        )
    {
        // "The letter": the determiner and its noun.
        e = (from + 2).min(last).max(e);
    }
    (e > from && source_like(p, &toks[from..e])).then_some((from..e, last))
}

/// `(source tokens, cue token)` of a lead-in right before the quotation: "She then went on
/// to say, “…”", "Doe told reporters: “…”", "The ad claims “…”", "Lee, a supporter, drew boos
/// upon saying, “…”". The cue is the last cue word, at most a few words before the quotation;
/// the source is the sentence's subject: the words before the first cue, else the first
/// person named before the cue.
fn lead_in(
    p: &str,
    toks: &[Tok],
    env: &Env<'_>,
    is_cue: &dyn Fn(&str, &Tok) -> bool,
) -> Option<(std::ops::Range<usize>, usize)> {
    /// Words allowed between the cue and the quotation ("told reporters on Monday,").
    const TAIL: usize = 6;
    let last = toks.len().checked_sub(1)?;
    let end = if !toks[last].word && matches!(toks[last].ch, ',' | ':') {
        last
    } else {
        toks.len()
    };
    let from = end.saturating_sub(TAIL + 1);
    let cue = (from..end).rev().find(|&k| is_cue(p, &toks[k]))?;
    if toks[cue + 1..end]
        .iter()
        .any(|t| !t.word && !matches!(t.ch, '.' | '-' | '\'' | '’'))
    {
        return None;
    }
    if end == toks.len() && cue + 1 != end {
        // No comma or colon: the cue must stand right before the quotation ("claims “…”").
        return None;
    }
    // The subject before the first cue of the lead-in: its leading noun phrase.
    let first_cue = (0..=cue).find(|&k| is_cue(p, &toks[k])).unwrap_or(cue);
    let subj = leading_np(p, toks, first_cue);
    let s_end = {
        let mut e = 0;
        while e < first_cue && e < MAX_SOURCE && phrase_tok(&toks[e]) {
            e += 1;
        }
        e
    };
    if subj > 0 && toks[subj..first_cue].iter().all(|t| t.word) && source_like(p, &toks[..subj]) {
        return Some((0..subj, cue));
    }
    // A name and an appositive: "Lee, a supporter, drew boos upon saying, “…”".
    if s_end > 0
        && s_end < first_cue
        && toks[s_end].ch == ','
        && toks[..s_end].iter().all(capitalised)
        && source_like(p, &toks[..s_end])
    {
        return Some((0..s_end, cue));
    }
    // Else the first person named before the cue.
    let (lo, hi) = (toks.first()?.s, toks[cue].s);
    let m = env.people.iter().find(|m| {
        m.role == crate::analysis::PersonRole::Subject && m.span.start >= lo && m.span.end <= hi
    })?;
    let a = toks.partition_point(|t| t.s < m.span.start);
    let b = toks.partition_point(|t| t.s < m.span.end);
    (a < b).then_some((a..b, cue))
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Context, SourceKind};

    /// (source text, cue text) of the attribution linked to the first quotation.
    fn speaker(text: &str) -> Option<(String, String, SourceKind)> {
        let a = analyze(text, &Context::defaults());
        let q = a.quotes.first()?;
        let at = &a.attributions[q.attribution?];
        Some((
            text[at.source.clone()].to_string(),
            text[at.cue.clone()].to_string(),
            at.kind,
        ))
    }

    #[test]
    fn trailer_with_a_phrase_after_the_cue() {
        let s = speaker("“We are not going anywhere tonight,” Marlow said with a grin.").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Marlow", "said"));
        let s = speaker("“Nobody expected a crowd this size,” Okafor said to cheers.").unwrap();
        assert_eq!(s.0, "Okafor");
        let s =
            speaker("“It was a long night for everyone,” Pell concludes on the result.").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Pell", "concludes"));
    }

    #[test]
    fn trailer_cue_first_with_a_lower_case_title() {
        let s = speaker(
            "\"The first duty is to the voters,\" said former county clerk Dana Whitlow, who ran twice.",
        )
        .unwrap();
        // The title stays outside the source: classification keeps the name.
        assert_eq!(s.0, "Dana Whitlow");
        let s =
            speaker("“Picture the two of them on one stage,” mused radio host Lee Varga.").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Lee Varga", "mused"));
    }

    #[test]
    fn lead_in_with_a_comma_or_colon() {
        let s =
            speaker("She then went on to say, “We will keep the office open all winter.”").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("She", "say"));
    }

    #[test]
    fn credit_lines_and_colon_lead_ins() {
        let s =
            speaker("“Keep the lights on for the late shift.” — Mara Velde, night editor").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Mara Velde", "—"));
        let s =
            speaker("Jonas Ekberg leaned over the lectern and boomed: “We start again on Monday.”")
                .unwrap();
        assert!(s.0.starts_with("Jonas Ekberg") && s.1 == ":", "{s:?}");
    }

    #[test]
    fn lead_ins_after_longer_subjects() {
        let s = speaker(
            "Ivo Marsh, a volunteer since spring, drew cheers upon saying, “We count every vote.”",
        )
        .unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Ivo Marsh", "saying"));
        let s = speaker("The flyer claims “Nobody works harder for this town.”").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("The flyer", "claims"));
        let s =
            speaker("“This is the best night of my life!” beamed Rosa Tull of Dayton.").unwrap();
        assert_eq!((s.0.as_str(), s.1.as_str()), ("Rosa Tull", "beamed"));
    }

    #[test]
    fn not_a_frame() {
        // A title and what follows it: no cue.
        assert!(speaker("“The Long Road Home” opened in March to mixed reviews.").is_none());
        // The quotation's own words are not a frame.
        assert!(speaker("“They said it would rain and it did not rain at all.”").is_none());
    }
}
