//! Vague and unnamed groups as subjects of a cue: "Outside experts also say …", "Pentagon
//! officials say …", "sources close to the campaign say …", "While critics argue that …",
//! "Bankers and economists describe …". The cue-verb pass finds a subject by walking back over
//! the clause, which fails after subordinate clauses, sentence adverbs and conjunctions; this
//! pass starts from the group word itself (an entry of the `vague-sources` or
//! `anonymous-sources` lexicon) and looks right for its cue. It adds an attribution, or
//! corrects the source of one the cue pass found for the same cue ("Rather, sources … say").

use super::np::{classify, Env, Registry};
use super::tokens::{capitalised, is_any, tokenize, tt, Tok};
use super::CueTable;
use crate::analysis::document::{BlockKind, Document};
use crate::analysis::{Attribution, SourceKind, Span};

/// Words between a group and its cue ("critics have long argued", "experts also say").
const BETWEEN: &[&str] = &[
    "also",
    "have",
    "has",
    "had",
    "long",
    "often",
    "already",
    "now",
    "generally",
    "widely",
    "privately",
    "publicly",
    "quickly",
    "repeatedly",
    "increasingly",
    "still",
    "would",
    "will",
    "may",
    "might",
    "could",
    "later",
    "then",
    "again",
    "been",
    "are",
    "were",
    "do",
    "did",
    "too",
    "all",
    "both",
    "themselves",
    "openly",
    "largely",
    "mostly",
];

/// Prepositions that open a post-modifier of the group ("officials with the agency").
const POSTMOD: &[&str] = &[
    "close",
    "familiar",
    "with",
    "in",
    "at",
    "from",
    "of",
    "for",
    "inside",
    "within",
    "across",
    "on",
    "near",
    "around",
    "involved",
    "working",
    "privy",
    "outside",
    "throughout",
];

/// Words that may stand before the group word as part of its phrase besides capitalised and
/// hyphenated words ("some", "senior", "independent", "budget").
const PREMOD: &[&str] = &[
    "some",
    "many",
    "most",
    "several",
    "numerous",
    "other",
    "few",
    "top",
    "senior",
    "outside",
    "independent",
    "foreign",
    "policy",
    "political",
    "budget",
    "defense",
    "defence",
    "intelligence",
    "campaign",
    "city",
    "state",
    "federal",
    "administration",
    "party",
    "industry",
    "security",
    "legal",
    "health",
    "military",
    "law",
    "enforcement",
    "election",
    "elections",
    "immigration",
    "government",
    "local",
    "national",
    "international",
    "western",
    "european",
    "domestic",
    "economic",
    "financial",
    "market",
    "energy",
    "oil",
    "climate",
    "public",
    "prominent",
    "leading",
    "veteran",
    "longtime",
    "former",
    "current",
    "fellow",
    "conservative",
    "liberal",
    "progressive",
    "republican",
    "democratic",
    "his",
    "her",
    "their",
    "its",
    "the",
    "these",
    "those",
    "such",
    "both",
    "all",
    "two",
    "three",
    "multiple",
    "various",
    "certain",
    "unnamed",
    "anonymous",
    "knowledgeable",
    "well-placed",
    "informed",
    "us",
    "u.s.",
    "white",
    "house",
    "pentagon",
    "trade",
    "tax",
    "nuclear",
    "cyber",
];

/// Most tokens between the group word and its cue (post-modifier included).
const REACH: usize = 8;

/// See the module docs.
pub(super) fn group_subjects(
    doc: &Document<'_>,
    env: &Env<'_>,
    reg: &mut Registry,
    table: &CueTable,
    quoted: &[Span],
    out: &mut Vec<Attribution>,
) {
    let prose = env.prose;
    let mut heads: Vec<Span> = Vec::new();
    for name in ["vague-sources", "anonymous-sources"] {
        let lex = env.lex.get(name);
        for (r, idx) in lex.find_words(prose) {
            let entry = lex.entries().get(idx).map_or("", String::as_str);
            // Plural group words only ("critics", "officials"); phrases and singulars are the
            // cue pass's and the rules' business.
            if entry.contains('\t') || !entry.ends_with('s') || entry.ends_with("ss") {
                continue;
            }
            // A phrase entry ("many analysts"): its last word is the group word.
            let last = prose
                .get(r.clone())
                .and_then(|t| t.rfind(' '))
                .map_or(r.start, |i| r.start + i + 1);
            heads.push(last..r.end);
        }
    }
    heads.sort_by_key(|r| r.start);
    heads.dedup();
    let is_cue = |p: &str, t: &Tok| {
        table.cue_word(p, t, &["passive", "stmt", "at", "as", "decl"])
            || (t.word && !capitalised(t) && super::frames::trailer_verb(tt(p, t)))
    };
    let mut toks: Vec<Tok> = Vec::with_capacity(128);
    let mut cur_sentence = usize::MAX;
    for head in heads {
        if quoted
            .iter()
            .any(|q| q.start < head.start && head.end < q.end)
        {
            continue;
        }
        let Some(si) = doc.sentence_at(head.start) else {
            continue;
        };
        if !matches!(
            doc.sentence_kind(si),
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
        ) {
            continue;
        }
        let sent = doc.sentences[si].span.clone();
        if si != cur_sentence {
            toks.clear();
            tokenize(prose, sent.clone(), &mut toks);
            cur_sentence = si;
        }
        let Some(h) = toks
            .iter()
            .position(|t| t.s == head.start && t.e == head.end)
        else {
            continue;
        };
        let Some((src_end, cue)) = cue_after(prose, &toks, h, &is_cue) else {
            continue;
        };
        if quoted
            .iter()
            .any(|q| q.start < toks[cue].s && toks[cue].s < q.end)
        {
            continue;
        }
        let start = phrase_start(prose, &toks, h);
        let Some(mut src) = classify(env, reg, &toks[start..src_end], sent.start) else {
            continue;
        };
        if !matches!(src.kind, SourceKind::Vague | SourceKind::Anonymous) {
            // A named group ("Pentagon officials" read as an institution) is still unnamed
            // people; a person's name in the phrase is not.
            if src.kind == SourceKind::NamedPerson {
                continue;
            }
            src.kind = if env
                .lex
                .get("vague-sources")
                .contains_ignore_case(tt(prose, &toks[h]))
            {
                SourceKind::Vague
            } else {
                SourceKind::Anonymous
            };
        }
        // "called for", "agreed to meet", "signed off on": a demand or an act, not a claim.
        if toks.get(cue + 1).is_some_and(|t| {
            is_any(
                prose,
                t,
                &[
                    "for", "on", "off", "up", "into", "to", "with", "back", "out", "in",
                ],
            )
        }) {
            continue;
        }
        let cue_span = toks[cue].s..toks[cue].e;
        let mut content_from = cue + 1;
        if toks
            .get(content_from)
            .is_some_and(|t| is_any(prose, t, &["that"]))
        {
            content_from += 1;
        }
        let content = toks
            .get(content_from)
            .map_or(cue_span.end..cue_span.end, |t| t.s..sent.end);
        let source_text = prose.get(src.span.clone()).unwrap_or("").to_string();
        if let Some(a) = out
            .iter_mut()
            .find(|a| a.sentence == si && a.cue.start < cue_span.end && cue_span.start < a.cue.end)
        {
            // The cue pass found the cue: keep it unless its source is elsewhere.
            let overlaps = a.source.start < src.span.end && src.span.start < a.source.end;
            // A named source the cue pass took from further left ("the place Pentagon
            // officials say": not "Scarborough Shoal") yields to the group right before
            // the cue.
            let adjacent = src_end == h + 1 && a.source.end <= src.span.start;
            if !overlaps && (adjacent || !matches!(a.kind, SourceKind::NamedPerson)) {
                a.source = src.span;
                a.source_text = source_text;
                a.kind = src.kind;
                a.person = None;
            }
            continue;
        }
        if out.iter().any(|a| {
            a.sentence == si && a.source.start < src.span.end && src.span.start < a.source.end
        }) {
            continue;
        }
        out.push(Attribution {
            source: src.span,
            source_text,
            kind: src.kind,
            person: None,
            cue: cue_span,
            content,
            sentence: si,
        });
    }
}

/// `(end of the source phrase, cue token)` right of the group word at `h`.
fn cue_after(
    p: &str,
    toks: &[Tok],
    h: usize,
    is_cue: &dyn Fn(&str, &Tok) -> bool,
) -> Option<(usize, usize)> {
    let mut k = h + 1;
    let src_end = h + 1;
    // A post-modifier: "close to her campaign", "with the committee", "in both parties".
    if toks.get(k).is_some_and(|t| t.word && is_any(p, t, POSTMOD)) {
        let mut j = k;
        while j < toks.len() && j - h <= REACH && toks[j].word {
            if is_cue(p, &toks[j]) {
                break;
            }
            j += 1;
        }
        if j < toks.len() && is_cue(p, &toks[j]) {
            // The phrase ends before the words that belong to the verb ("have", "also").
            let mut e = j;
            while e > k && is_any(p, &toks[e - 1], BETWEEN) {
                e -= 1;
            }
            return Some((e, j));
        }
        return None;
    }
    // A parenthetical appositive is not followed ("critics, including …, say" is the cue
    // pass's); only verb-group words between the group and its cue.
    while k < toks.len() && k - h <= REACH {
        let t = &toks[k];
        if is_cue(p, t) {
            // "are said to be": an agentless passive, the cue pass's business.
            let passive = k > h + 1
                && is_any(
                    p,
                    &toks[k - 1],
                    &["is", "are", "was", "were", "be", "been", "being"],
                );
            return (!passive).then_some((src_end, k));
        }
        let lw = tt(p, t).to_ascii_lowercase();
        let adverb = lw.len() > 4 && lw.ends_with("ly");
        if !t.word || !(is_any(p, t, BETWEEN) || adverb) {
            return None;
        }
        k += 1;
    }
    None
}

/// The first token of the group's phrase: back over modifiers ("Some Republican experts",
/// "oil-industry analysts", "Bankers and economists").
fn phrase_start(p: &str, toks: &[Tok], h: usize) -> usize {
    let mut s = h;
    let mut steps = 0;
    while s > 0 && steps < 5 {
        let t = &toks[s - 1];
        let w = tt(p, t);
        let ok = t.word
            && (capitalised(t)
                || w.contains('-')
                || is_any(p, t, PREMOD)
                || (s >= 2 && is_any(p, t, &["and"]) && {
                    let before = tt(p, &toks[s - 2]);
                    before.len() > 3 && before.ends_with('s')
                }))
            || (!t.word && t.ch == '.' && s >= 2 && toks[s - 2].word);
        if !ok {
            break;
        }
        s -= 1;
        steps += 1;
    }
    // Never start the phrase on a conjunction or a clause word.
    while s < h && is_any(p, &toks[s], &["and", "but", "while", "if", "as", "because"]) {
        s += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Context, SourceKind};

    fn sources(text: &str) -> Vec<(String, SourceKind)> {
        let a = analyze(text, &Context::defaults());
        a.attributions
            .iter()
            .map(|at| (text[at.source.clone()].to_string(), at.kind))
            .collect()
    }

    #[test]
    fn groups_after_adverbs_clauses_and_postmodifiers() {
        let s = sources("Outside experts also say the plans fall short.");
        assert!(
            s.iter()
                .any(|(t, k)| t == "Outside experts" && *k == SourceKind::Vague),
            "{s:?}"
        );
        let s =
            sources("While critics argue that the swap invites more kidnappings, the plan stands.");
        assert!(s.iter().any(|(t, _)| t == "critics"), "{s:?}");
        let s = sources("Rather, sources close to the campaign say she backs the plan.");
        assert!(
            s.iter().any(|(t, _)| t == "sources close to the campaign"),
            "{s:?}"
        );
        let s = sources("The dam held, but county officials have said the spillway needs work.");
        assert!(
            s.iter()
                .any(|(t, k)| t == "county officials" && *k == SourceKind::Anonymous),
            "{s:?}"
        );
    }

    #[test]
    fn not_groups() {
        // No cue after the group word.
        assert!(sources("Critics of the plan gathered outside the hall.").is_empty());
        // A group word inside a quotation belongs to the speaker.
        let s = sources("“Analysts say anything,” Lena Holm said.");
        assert!(s.iter().all(|(t, _)| t != "Analysts"), "{s:?}");
    }
}
