//! `anonymous-source` (information): an unnamed source identified only by affiliation ("French
//! officials", "a person familiar with the talks", "senior aides"), unless the sentence says why
//! anonymity was granted ("on condition of anonymity because …"). Later references to the same
//! source ("the official said") are not repeated.

use super::super::document::{BlockKind, Document};
use super::super::lexicon::Lexicons;
use super::super::{Attribution, Context, Finding, SourceKind};
use super::fixes::{disable_line, finding, name_source, shorten};

pub const CODE: &str = "anonymous-source";

/// Whether `text` contains an untagged entry of lexicon `name`.
pub fn lexicon_hit(lex: &Lexicons, name: &str, text: &str) -> bool {
    let l = lex.get(name);
    l.find_words(text)
        .iter()
        .any(|(_, i)| l.entries().get(*i).is_some_and(|e| !e.contains('\t')))
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
    use crate::analysis::analyze;
    use crate::analysis::testutil::ctx;

    fn flags(t: &str) -> Vec<String> {
        analyze(t, &ctx())
            .findings
            .into_iter()
            .filter(|f| f.code == super::CODE)
            .map(|f| t[f.span].to_string())
            .collect()
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
