//! `unattributed-quote` (warning): a direct quotation of several words with no source in its
//! sentence, the sentence before or after (same paragraph), or a quote block's lead-in.
//! Not flagged: scare quotes and quoted terms (one or two words, or three without punctuation),
//! titles of works and names ("The Long Thaw: Arms Control After the Cold War"), words after
//! "so-called", "dubbed", "a banner reading", …, and quotations in headlines.

use super::super::attribution::np::ROLE_WORDS;
use super::super::document::{BlockKind, Document};
use super::super::{
    Attribution, Context, Finding, PersonMention, PersonRole, Quote, SourceKind, Span,
};
use super::super::{Edit, Fix};
use super::fixes::{add_footnote, disable_line, finding, shorten, snippet_escape};

pub const CODE: &str = "unattributed-quote";

/// Words before a quotation that make it a term, a name, a title or displayed text.
const NAMING: &[&str] = &[
    "so-called",
    "called",
    "dubbed",
    "known as",
    "termed",
    "titled",
    "entitled",
    "named",
    "nicknamed",
    "the word",
    "the words",
    "the term",
    "the phrase",
    "the slogan",
    "slogan",
    "reading",
    "read",
    "banner",
    "banners",
    "placard",
    "placards",
    "sign",
    "signs",
    "headline",
    "headlined",
    "book",
    "film",
    "song",
    "report",
    "album",
    "chanted",
    "chanting",
    "shouted",
    "shouting",
    "marked",
    "labelled",
    "labeled",
    "stamped",
    "hashtag",
    "motto",
    "the label",
    "branded",
    "billed as",
    "label",
    "tagline",
    "caption",
    "captioned",
    "the phrase",
    "the expression",
    "the so-called",
    "programme",
    "program",
    "operation",
    "codenamed",
    "code-named",
    "known",
    "spelled",
    "spelt",
    "subtitle",
    "subtitled",
    "title",
    "one of the",
];

const SMALL: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "with", "by",
    "from", "as", "after", "before", "into", "over", "under", "is", "vs", "de",
];

fn inner(text: &str) -> &str {
    text.trim_matches(|c: char| {
        matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»' | '„') || c.is_whitespace()
    })
}

/// Title case: most words longer than a particle are capitalised.
fn title_case(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .collect();
    let content: Vec<&&str> = words
        .iter()
        .filter(|w| {
            !SMALL.contains(&w.to_lowercase().as_str()) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    if content.len() < 2 {
        return false;
    }
    let caps = content
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    caps * 10 >= content.len() * 8 && caps >= 2
}

/// Whether the quotation reads like speech rather than a term, name or title.
pub fn speech_like(doc: &Document<'_>, q: &Quote) -> bool {
    let text = doc.prose.get(q.span.clone()).unwrap_or("");
    let body = inner(text);
    let punct = body
        .trim_end_matches(['.', ',', '!', '?', ';', ':', '…'])
        .contains(['.', ',', '!', '?', ';', ':', '—', '–']);
    let ends_stop = body.ends_with(['.', '!', '?', '…']);
    let alpha_words = body
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    if alpha_words < 3 || (alpha_words == 3 && !punct && !ends_stop) {
        return false;
    }
    if title_case(body) {
        return false;
    }
    // What stands right before the quotation.
    let before_start = q.span.start.saturating_sub(40);
    let before = doc
        .prose
        .get(crate::analysis::document::floor_char(&doc.prose, before_start)..q.span.start)
        .unwrap_or("");
    let before = before
        .trim_end()
        .trim_end_matches([',', ':'])
        .trim_end()
        .to_lowercase();
    if naming_before(&before) || before.ends_with('=') {
        // A term, a title, or an attribute value in markup (tweet-author="…").
        return false;
    }
    // An attributive quotation: a “John McCain is so old” joke.
    let after = doc.prose.get(q.span.end..).unwrap_or("");
    let next_word = after
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let det_before =
        before.ends_with(" a") || before.ends_with(" an") || before == "a" || before == "an";
    if det_before
        && next_word.chars().next().is_some_and(char::is_lowercase)
        && after.starts_with(' ')
    {
        return false;
    }
    // A list of slogans: “…” and “…” after "read:".
    let joined = before.ends_with(" and") || before.ends_with(" or") || before.ends_with(',');
    if joined {
        let from =
            crate::analysis::document::floor_char(&doc.prose, q.span.start.saturating_sub(160));
        let earlier = doc.prose.get(from..q.span.start).unwrap_or("");
        // The previous quotation in the same sentence and what stands before it.
        if let Some(close) = earlier.rfind(['”', '"']) {
            let before_prev = &earlier[..close];
            if let Some(open) = before_prev.rfind(['“', '"']) {
                let lead = before_prev[..open]
                    .trim_end()
                    .trim_end_matches([',', ':'])
                    .trim_end()
                    .to_lowercase();
                if naming_before(&lead) {
                    return false;
                }
            }
        }
    }
    true
}

fn naming_before(before: &str) -> bool {
    NAMING.iter().any(|n| {
        before.ends_with(n) && {
            let cut = before.len() - n.len();
            cut == 0 || !before[..cut].ends_with(|c: char| c.is_alphanumeric())
        }
    })
}

fn nearest_speaker(
    people: &[PersonMention],
    atts: &[Attribution],
    q: &Quote,
) -> Option<(Span, crate::analysis::Str)> {
    let before_person = people
        .iter()
        .rfind(|m| m.role == PersonRole::Subject && m.span.end <= q.span.start)
        .map(|m| (m.span.clone(), m.name.clone()));
    let before_att = atts
        .iter()
        .filter(|a| {
            a.kind == SourceKind::NamedPerson
                && a.source.end <= q.span.start
                && !a.source.is_empty()
        })
        .filter_map(|a| a.person.as_deref().map(|p| (a.source.clone(), p.into())))
        .next_back();
    let pick = match (before_person, before_att) {
        (Some(a), Some(b)) => Some(if a.0.start >= b.0.start { a } else { b }),
        (a, b) => a.or(b),
    };
    pick.or_else(|| {
        people
            .iter()
            .find(|m| m.role == PersonRole::Subject && m.span.start >= q.span.end)
            .map(|m| (m.span.clone(), m.name.clone()))
    })
}

/// Whether someone who may have said the quotation stands close enough that an editor would
/// read it as theirs: a person named or a personal pronoun in the quotation's sentence outside
/// the marks, or in the sentence before it (in its paragraph, or the last sentence of the
/// paragraph before when the quotation opens its own). The warning is for quotations with
/// nobody around them.
fn candidate_speaker(doc: &Document<'_>, people: &[PersonMention], q: &Quote, si: usize) -> bool {
    const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we"];
    let has_person = |span: &Span, outside: Option<&Span>| {
        people.iter().any(|m| {
            m.role == PersonRole::Subject
                && m.span.start >= span.start
                && m.span.end <= span.end
                && outside.is_none_or(|o| m.span.end <= o.start || m.span.start >= o.end)
        })
    };
    let has_pronoun = |span: &Span, outside: Option<&Span>| {
        let text = doc.prose.get(span.clone()).unwrap_or("");
        text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .any(|w| {
                // The word's offset from its place in the slice (separators may be multi-byte).
                let at = span.start + (w.as_ptr() as usize - text.as_ptr() as usize);
                let inside = outside.is_some_and(|o| at >= o.start && at < o.end);
                !inside && PRONOUNS.iter().any(|p| w.eq_ignore_ascii_case(p))
            })
    };
    let own = &doc.sentences[si].span;
    if has_person(own, Some(&q.span)) || has_pronoun(own, Some(&q.span)) {
        return true;
    }
    let Some(prev) = si.checked_sub(1).and_then(|k| doc.sentences.get(k)) else {
        return false;
    };
    let same_block = prev.block == doc.sentences[si].block;
    let opens = doc
        .prose
        .get(own.start..q.span.start)
        .is_some_and(|t| t.trim().is_empty());
    (same_block || opens) && (has_person(&prev.span, None) || has_pronoun(&prev.span, None))
}

pub fn check(
    doc: &Document<'_>,
    people: &[PersonMention],
    atts: &[Attribution],
    quotes: &[Quote],
    _ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    for q in quotes {
        if q.attribution.is_some() {
            continue;
        }
        let Some(si) = doc.sentence_at(q.span.start) else {
            continue;
        };
        if !matches!(
            doc.sentence_kind(si),
            BlockKind::Paragraph | BlockKind::BlockQuote | BlockKind::ListItem
        ) {
            continue;
        }
        if !speech_like(doc, q) {
            continue;
        }
        // Any attribution in a neighbouring sentence of the same paragraph counts as a source.
        let block = doc.sentences[si].block;
        // A partial quotation woven into a sentence that names someone ("Felt steered The
        // Post to a story establishing that it was part of “a massive campaign …”").
        let body_first = inner(doc.prose_of(&q.span)).chars().next();
        if body_first.is_some_and(char::is_lowercase) {
            let s0 = doc.sentences[si].span.start;
            let outside = format!(
                "{}{}",
                doc.prose.get(s0..q.span.start).unwrap_or(""),
                doc.prose
                    .get(q.span.end..doc.sentences[si].span.end)
                    .unwrap_or("")
            );
            let named = outside
                .split_whitespace()
                .skip(1)
                .any(|w| w.chars().next().is_some_and(char::is_uppercase))
                || outside.split_whitespace().any(|w| {
                    matches!(
                        w.trim_matches(|c: char| !c.is_alphanumeric()),
                        "he" | "she" | "He" | "She" | "his" | "her" | "His" | "Her"
                    )
                });
            if named {
                continue;
            }
        }
        // A lead-in ending with ':' that names or refers to someone.
        if si > 0 {
            let prev = doc.prose_of(&doc.sentences[si - 1].span).trim_end();
            let refers = prev.split_whitespace().enumerate().any(|(i, w)| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                matches!(w, "he" | "she" | "He" | "She" | "they" | "They")
                    || (i <= 2 && ROLE_WORDS.contains(&w.to_lowercase().as_str()))
                    || (i > 0 && w.chars().next().is_some_and(char::is_uppercase) && w.len() > 1)
            });
            if prev.ends_with(':') && refers {
                continue;
            }
        }

        if candidate_speaker(doc, people, q, si) {
            continue;
        }
        let neighbour = |j: usize| {
            doc.sentences.get(j).is_some_and(|s| s.block == block)
                && atts.iter().any(|a| a.sentence == j)
        };
        if (si > 0 && neighbour(si - 1)) || neighbour(si + 1) {
            continue;
        }
        let text = doc.text.get(q.span.clone()).unwrap_or("");
        let shown = shorten(inner(text), 48);
        let mut f = finding(
            CODE,
            q.span.clone(),
            format!("Quotation “{shown}” has no speaker: say who said it"),
        );
        let speaker = nearest_speaker(people, atts, q);
        if let Some((span, name)) = &speaker {
            f.related
                .push((span.clone(), format!("nearest candidate speaker: {name}")));
        }
        let sentence = doc.sentences[si].span.clone();
        // "Name the speaker": “…,” ${1:speaker} said. — when the quotation ends the sentence.
        let t = doc.text;
        if sentence.end == q.span.end && q.span.end - q.span.start > 2 {
            let close = t[..q.span.end]
                .char_indices()
                .next_back()
                .map_or(q.span.end, |(i, _)| i);
            let last_inner = t[..close].char_indices().next_back();
            let placeholder = snippet_escape(speaker.as_ref().map_or("speaker", |s| &*s.1));
            let mut edits = Vec::new();
            if let Some((i, '.')) = last_inner {
                edits.push(Edit {
                    span: i..i + 1,
                    new_text: ",".into(),
                    snippet: false,
                });
            }
            if matches!(last_inner, Some((_, '.' | '!' | '?' | ','))) {
                edits.push(Edit {
                    span: q.span.end..q.span.end,
                    new_text: format!(" ${{1:{placeholder}}} said."),
                    snippet: true,
                });
                f.fixes.push(Fix {
                    title: "Name the speaker".into(),
                    edits,
                    preferred: true,
                });
            }
        }
        f.fixes.push(add_footnote(doc, sentence.end));
        f.fixes.push(disable_line(doc, CODE, q.span.start));
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::analysis::testutil::ctx;

    fn flags(t: &str) -> Vec<String> {
        crate::analysis::testutil::flagged(t, super::CODE)
    }

    #[test]
    fn fires_on_quotes_without_speakers() {
        assert_eq!(
            flags("The delegates left.\n\n“They are negotiating about us, without us.”\n"),
            vec!["“They are negotiating about us, without us.”"]
        );
        assert_eq!(
            flags("The doors open. \"Constructive, but long.\" That is all we have so far."),
            vec!["\"Constructive, but long.\""]
        );
        assert_eq!(
            flags("Worth watching: whether backbenchers rebel. \"Two or three, at most\" is the number doing the rounds."),
            vec!["\"Two or three, at most\""]
        );
        // A pronoun inside the quotation is the speaker's own word, whatever multi-byte
        // punctuation comes before it; one in the sentence before names a candidate.
        let t = "The hall emptied — “Ça, c’est fini” — at ten.\n\n“Après ça — fini — we waited and nobody came.”\n";
        assert!(
            flags(t).contains(&"“Après ça — fini — we waited and nobody came.”".to_string()),
            "{:?}",
            flags(t)
        );
        let t = "She left the hall at ten.\n\n“Après ça — fini — nobody came.”\n";
        assert!(flags(t).is_empty(), "{:?}", flags(t));
    }

    #[test]
    fn quiet_on_attributed_scare_quotes_titles() {
        for t in [
            "“We did not paper over differences,” Ms. Ellison said. “We wrote them down.”",
            "Ryabkov described the session as \"useful, businesslike and, in places, difficult.\"",
            "The programme the administration calls \"Golden Dome\" is controversial.",
            "Critics call it a ‘grid tax’ and worse.",
            "His book, “The Long Thaw: Arms Control After the Cold War,” sold well.",
            "Campaigners held a banner reading \"No treaty, no future\" outside.",
            "It is the so-called \"European variable\" that matters.",
            "# Ryabkov: \"Nobody should expect a treaty this year\"\n\nHe spoke in Geneva.",
            "The minister was blunt. She said the plan was dead. “We will not revive it.”",
            "Mr. Ryabkov was blunt: “Nobody should expect a new treaty this year.”",
            "As Mercer put it: “They’ve agreed to have the argument properly.”",
            "The ministry said:\n\n> We reject these claims entirely and will respond in court.\n",
        ] {
            assert!(flags(t).is_empty(), "{t}: {:?}", flags(t));
        }
    }

    #[test]
    fn related_speaker_and_fix() {
        let t = "Ryabkov said the talks were useful.\n\nThe delegation left at noon.\n\n“They are negotiating about us, without us.”\n";
        let r = analyze(t, &ctx());
        let f = r.findings.iter().find(|f| f.code == super::CODE).unwrap();
        assert_eq!(f.fixes[0].title, "Name the speaker");
        let mut s = t.to_string();
        let mut edits = f.fixes[0].edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            s.replace_range(e.span, &e.new_text);
        }
        assert!(s.contains("without us,” ${1:"), "{s}");
    }
}
