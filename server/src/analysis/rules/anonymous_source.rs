//! `anonymous-source` (information): an unnamed source identified only by affiliation ("French
//! officials", "a person familiar with the talks", "senior aides"), unless the sentence says why
//! anonymity was granted ("on condition of anonymity because …"). Later references to the same
//! source ("the official said") are not repeated.

use super::super::attribution::np::affiliated;
use super::super::document::{BlockKind, Document};
use super::super::lexicon::Lexicons;
use super::super::{Attribution, Context, Finding, SourceKind};
use super::fixes::{disable_line, finding, name_source, shorten};

pub const CODE: &str = "anonymous-source";

/// Group roles that are unnamed sources only with an affiliation.
const ROLE_PLURALS: &[&str] = &[
    "ministers",
    "members",
    "employees",
    "lawmakers",
    "negotiators",
    "staffers",
    "legislators",
    "mps",
];

/// Whether `text` contains an untagged entry of lexicon `name` as its head: the last word, or
/// followed by a modifier ("officials from both sides", "a person familiar with the talks").
pub fn lexicon_hit(lex: &Lexicons, name: &str, text: &str) -> bool {
    let l = lex.get(name);
    l.find_words(text).iter().any(|(r, i)| {
        l.entries().get(*i).is_some_and(|e| !e.contains('\t')) && {
            let rest = text[r.end..].trim_start();
            let next = rest
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            rest.is_empty()
                || e_is_phrase(l.entries()[*i].as_str())
                || matches!(
                    next.as_str(),
                    "from"
                        | "at"
                        | "in"
                        | "of"
                        | "close"
                        | "closest"
                        | "familiar"
                        | "with"
                        | "on"
                        | "to"
                        | "for"
                        | "and"
                        | "who"
                        | "inside"
                        | "within"
                        | "involved"
                        | "briefed"
                        | "knowledgeable"
                )
        }
    })
}

fn e_is_phrase(e: &str) -> bool {
    e.contains(' ')
}

/// Whether `text` gives a reason for anonymity (entries tagged `reason`).
pub fn gives_reason(lex: &Lexicons, text: &str) -> bool {
    let l = lex.get("anonymous-sources");
    l.find_words(text)
        .iter()
        .any(|(_, i)| l.entries().get(*i).is_some_and(|e| e.ends_with("\treason")))
}

fn head_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

pub fn check(doc: &Document<'_>, atts: &[Attribution], ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let lex = ctx.lexicons;
    let mut seen: Vec<&str> = Vec::new();
    for a in atts {
        if a.kind != SourceKind::Anonymous {
            continue;
        }
        let src = a.source_text.as_str();
        if !(lexicon_hit(lex, "anonymous-sources", src) || lexicon_hit(lex, "vague-sources", src)) {
            continue;
        }
        if matches!(
            doc.sentence_kind(a.sentence),
            BlockKind::Byline | BlockKind::Credit | BlockKind::FootnoteDef
        ) {
            continue;
        }
        if src.contains(" whom") || src.contains(" which") {
            continue;
        }
        // Bare plural roles ("ministers deny", "members said") only with an affiliation.
        let words: Vec<&str> = src.split_whitespace().collect();
        if let Some(k) = words.iter().position(|w| {
            ROLE_PLURALS.contains(
                &w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        }) {
            if !affiliated(&words[..k]) && words.len() <= k + 1 {
                continue;
            }
        }
        let earlier = seen.clone();
        seen.push(src);
        // "The official said …": a source introduced earlier (or a repeat of one).
        let lower = src.to_lowercase();
        if lower.starts_with("the ") {
            let head = head_words(&lower).last().unwrap_or_default();
            if !head.ends_with('s') || earlier.iter().any(|e| head_words(e).any(|w| w == head)) {
                continue;
            }
        }
        let sentence = doc
            .sentences
            .get(a.sentence)
            .map(|s| doc.prose_of(&s.span))
            .unwrap_or("");
        if gives_reason(lex, sentence) {
            continue;
        }
        let phrase = shorten(doc.text.get(a.source.clone()).unwrap_or(src), 60);
        let mut f = finding(
            CODE,
            a.source.clone(),
            format!(
                "'{phrase}': unnamed source; name them, or say why they were granted anonymity"
            ),
        );
        f.fixes = vec![
            name_source(a.source.clone(), "named source"),
            disable_line(doc, CODE, a.source.start),
        ];
        out.push(f);
    }
}

#[cfg(test)]
mod tests {

    fn flags(t: &str) -> Vec<String> {
        crate::analysis::testutil::flagged(t, super::CODE)
    }

    #[test]
    fn fires_on_unnamed_officials() {
        assert_eq!(
            flags("French officials said the plan was dead."),
            vec!["French officials"]
        );
        assert_eq!(
            flags(
                "Inside the room, according to a person familiar with the talks, little happened."
            ),
            vec!["a person familiar with the talks"]
        );
        assert_eq!(
            flags("“This is the beginning,” one insider said."),
            vec!["one insider"]
        );
        assert_eq!(
            flags("Two Western diplomats said the mood was grim."),
            vec!["Two Western diplomats"]
        );
    }

    #[test]
    fn quiet_when_reason_given_named_or_repeated() {
        for t in [
            "A senior U.S. official, briefing reporters on condition of anonymity under ground rules set by the State Department, said Washington had pressed for data. The official said the delegation was firm.",
            "Two government advisers who spoke on condition of anonymity said the levy was rushed.",
            "A State Department spokesperson said the talks were useful.",
            "Finance Minister Lena Holm said the levy would expire.",
            "Witnesses said the water rose quickly.",
        ] {
            assert!(flags(t).is_empty(), "{t}: {:?}", flags(t));
        }
        // A repeat is quiet, the first mention is not.
        assert_eq!(
            flags("A senior official said no. The official said it twice."),
            vec!["A senior official"]
        );
    }
}
