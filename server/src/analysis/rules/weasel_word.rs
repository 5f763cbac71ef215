//! `weasel-word` (hint): a hedge that implies a source without naming one ("reportedly",
//! "allegedly", "arguably", "some say", "widely seen"). The list is the `weasel-words` lexicon
//! (extend or replace it in `byline.toml`). Phrases already reported by `vague-attribution`
//! and words inside quotations (the speaker's own) are not repeated.

use super::super::document::{BlockKind, Document};
use super::super::{Attribution, Context, Finding, Quote, SourceKind};
use super::fixes::{add_footnote, disable_line, finding};
use super::vague_attribution::phrase_span;

pub const CODE: &str = "weasel-word";

fn advice(w: &str) -> &'static str {
    match w {
        "reportedly" | "widely reported" => "say who reported it, or cite the report",
        "allegedly" | "it is alleged" => "say who alleges it",
        "arguably" | "it could be argued" => "make the argument yourself or attribute it",
        "apparently" => "say how this is known",
        "supposedly" | "purportedly" => "say who claims it",
        "studies show" | "studies suggest" | "research shows" | "research suggests" => {
            "cite the study"
        }
        _ => "name the source or cite it",
    }
}

pub fn check(
    doc: &Document<'_>,
    atts: &[Attribution],
    quotes: &[Quote],
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    let lex = ctx.lexicons.get("weasel-words");
    let vague: Vec<_> = atts
        .iter()
        .filter(|a| matches!(a.kind, SourceKind::Vague | SourceKind::Agentless))
        .map(|a| phrase_span(doc, a))
        .collect();
    // One pass over the whole prose; each match is placed in its sentence.
    for (r, _) in lex.find_words(&doc.prose) {
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
        {
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
            let w = doc.prose[r].to_lowercase();
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
