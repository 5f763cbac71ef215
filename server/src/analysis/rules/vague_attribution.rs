//! `vague-attribution` (warning): a claim attributed to a vague group ("analysts say",
//! "some believe", "sources indicate") or to no one at all ("is widely seen as",
//! "it is believed", "has been interpreted as").

use super::super::attribution::np::is_pronoun;
use super::super::document::{BlockKind, Document};
use super::super::{Attribution, Context, Finding, SourceKind, Span};
use super::fixes::{add_footnote, disable_line, finding, name_source, name_source_insert, shorten};

pub const CODE: &str = "vague-attribution";

/// The phrase to underline: source and cue together when they are adjacent.
pub fn phrase_span(doc: &Document<'_>, a: &Attribution) -> Span {
    if a.kind == SourceKind::Agentless || a.source.is_empty() {
        return a.cue.clone();
    }
    let (s, c) = (&a.source, &a.cue);
    let gap = |x: usize, y: usize| {
        doc.prose
            .get(x..y)
            .is_some_and(|g| g.len() <= 24 && g.split_whitespace().count() <= 2)
    };
    if s.end <= c.start && gap(s.end, c.start) {
        s.start..c.end
    } else if c.end <= s.start && gap(c.end, s.start) {
        c.start..s.end
    } else {
        s.clone()
    }
}

fn participle_present(participle: &str) -> &'static str {
    match participle.to_ascii_lowercase().as_str() {
        "seen" => "sees it that way",
        "viewed" | "regarded" | "perceived" => "views it that way",
        "interpreted" => "interprets it that way",
        "described" | "characterised" | "characterized" | "portrayed" | "framed" | "painted"
        | "billed" | "touted" => "describes it that way",
        "said" => "says so",
        "believed" => "believes it",
        "thought" => "thinks so",
        "understood" => "says so",
        "rumoured" | "rumored" => "is spreading it",
        "alleged" => "alleges it",
        "claimed" => "claims it",
        "reported" => "reported it",
        "estimated" => "made the estimate",
        "considered" | "deemed" => "considers it so",
        "suggested" => "suggested it",
        "argued" => "argues it",
        "feared" => "fears it",
        _ => "says so",
    }
}

pub fn check(doc: &Document<'_>, atts: &[Attribution], ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for a in atts {
        if !matches!(a.kind, SourceKind::Vague | SourceKind::Agentless) {
            continue;
        }
        if a.kind == SourceKind::Vague && is_pronoun(a.source_text.trim()) {
            continue;
        }
        // "many of whom call …": a relative clause, not a source.
        if a.source_text.contains(" whom") || a.source_text.contains(" which") {
            continue;
        }
        // "the source said": the source was introduced before.
        let lower = a.source_text.to_lowercase();
        if a.kind == SourceKind::Vague && lower.starts_with("the ") && !lower.ends_with('s') {
            continue;
        }
        if matches!(
            doc.sentence_kind(a.sentence),
            BlockKind::Byline | BlockKind::Credit | BlockKind::FootnoteDef
        ) {
            continue;
        }
        let span = phrase_span(doc, a);
        let phrase = shorten(doc.text.get(span.clone()).unwrap_or(""), 60);
        let sentence_end = doc
            .sentences
            .get(a.sentence)
            .map_or(span.end, |s| s.span.end);
        let (message, name_fix) = if a.kind == SourceKind::Agentless {
            let at = doc.text.get(a.source.start..).map_or(a.source.start, |r| {
                a.source.start + r.find(|c: char| !c.is_alphanumeric()).unwrap_or(r.len())
            });
            let who = participle_present(doc.text.get(a.source.start..at).unwrap_or(""));
            (
                format!("'{phrase}': no one is named; say who {who}, or cite a source"),
                name_source_insert(at, " by ${1:named source}".to_string()),
            )
        } else {
            let src = a.source_text.trim();
            // The group word the lexicon matched ("critics" in "Holm's critics in industry").
            let lx = ctx.lexicons.get("vague-sources");
            let head = lx
                .find_words(src)
                .first()
                .map(|(r, _)| src[r.clone()].to_lowercase())
                .unwrap_or_else(|| src.split_whitespace().last().unwrap_or(src).to_lowercase());
            let head = head.split_whitespace().last().unwrap_or("").to_string();
            let msg = match head.as_str() {
                "some" | "many" | "others" | "most" | "few" => {
                    format!("'{phrase}': say who, or cite a source")
                }
                "source" | "sources" | "insiders" => {
                    format!("'{phrase}': name the {head}, or say why they cannot be named")
                }
                _ if head.ends_with('s') => {
                    format!("'{phrase}': name the {head} or cite their work")
                }
                _ => format!("'{phrase}': name the source or cite it"),
            };
            (msg, name_source(a.source.clone(), "named source"))
        };
        let mut f = finding(CODE, span.clone(), message);
        f.fixes = vec![
            name_fix,
            add_footnote(doc, sentence_end),
            disable_line(doc, CODE, span.start),
        ];
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::analysis::testutil::ctx;

    fn flags(t: &str) -> Vec<(String, String)> {
        analyze(t, &ctx())
            .findings
            .into_iter()
            .filter(|f| f.code == super::CODE)
            .map(|f| (t[f.span.clone()].to_string(), f.message))
            .collect()
    }

    #[test]
    fn fires_on_vague_groups_and_agentless_passives() {
        let v = flags("Analysts say the real test will come in the summer.");
        assert_eq!(
            v,
            vec![(
                "Analysts say".to_string(),
                "'Analysts say': name the analysts or cite their work".to_string()
            )]
        );
        assert_eq!(
            flags("Some say the levy was drawn up in a hurry.")[0].0,
            "Some say"
        );
        assert_eq!(
            flags("Sources indicate the Russian side arrived early.")[0].1,
            "'Sources indicate': name the sources, or say why they cannot be named"
        );
        let v = flags("That argument is widely seen as the government's strongest card.");
        assert_eq!(v[0].0, "is widely seen as");
        assert!(v[0].1.contains("say who sees it that way"));
        assert_eq!(
            flags("It is believed that the minister came close to resigning.")[0].0,
            "It is believed"
        );
        assert_eq!(
            flags("According to some accounts, the delegation asked for a recess.")[0].0,
            "According to some accounts"
        );
    }

    #[test]
    fn quiet_on_named_and_unnamed_officials() {
        for t in [
            "Finance Minister Lena Holm said the levy would expire in 2031.",
            "A senior U.S. official said Washington had pressed for data exchanges.",
            "According to Eurostat, prices rose in the second half of the year.",
            "The bill is expected to pass comfortably.",
            "The minister was seen leaving the building.",
            "“Analysts say it is over,” Holm said.",
        ] {
            assert!(flags(t).is_empty(), "{t}: {:?}", flags(t));
        }
    }

    #[test]
    fn fixes() {
        let t = "Analysts say the test will come.";
        let f = &analyze(t, &ctx()).findings[0];
        let titles: Vec<_> = f.fixes.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "Name the source",
                "Add a footnote source",
                "Disable vague-attribution for this line"
            ]
        );
        assert_eq!(f.fixes[0].edits[0].span, 0..8);
        assert_eq!(f.fixes[0].edits[0].new_text, "${1:named source}");
        assert!(f.fixes[0].edits[0].snippet);
        let t = "The idea is widely seen as a challenge.";
        let f = &analyze(t, &ctx()).findings[0];
        assert_eq!(f.fixes[0].edits[0].span.start, t.find(" as").unwrap());
        assert_eq!(f.fixes[0].edits[0].new_text, " by ${1:named source}");
    }
}
