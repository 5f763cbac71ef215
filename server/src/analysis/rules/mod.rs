//! Diagnostics rules. Each rule is a small module with one job and its own tests; `run_all`
//! calls them, `finalize` applies suppression directives and configured severities.
//!
//! Rule codes are stable, kebab-case, and documented in the README (one section each, with a
//! bad and a good example); `DOCS_BASE` + `#code` is every finding's `codeDescription.href`.

pub mod people_rules;

use std::collections::BTreeMap;

pub mod anonymous_source;
pub mod fixes;
pub mod footnotes;
pub mod unattributed_quote;
pub mod unsourced_statistic;
pub mod vague_attribution;
pub mod weasel_word;

use super::document::{Directive, Document};
use super::{Attribution, Context, Finding, PersonMention, Quote, Severity};
use crate::config::RuleLevel;

/// Where each rule is documented (README anchors are the rule codes).
pub const DOCS_BASE: &str = "https://github.com/byline-news/byline/blob/main/README.md#";

/// Every rule code with its default severity.
pub const RULES: &[(&str, Severity)] = &[
    ("vague-attribution", Severity::Warning),
    ("anonymous-source", Severity::Information),
    ("unattributed-quote", Severity::Warning),
    ("weasel-word", Severity::Hint),
    ("unsourced-statistic", Severity::Hint),
    ("undefined-source", Severity::Error),
    ("unused-source", Severity::Hint),
    ("stale-title", Severity::Warning),
    ("name-variant", Severity::Warning),
    ("unknown-official", Severity::Hint),
];

/// Codes only (for messages and config validation).
pub const ALL_RULES: &[&str] = &[
    "vague-attribution",
    "anonymous-source",
    "unattributed-quote",
    "weasel-word",
    "unsourced-statistic",
    "undefined-source",
    "unused-source",
    "stale-title",
    "name-variant",
    "unknown-official",
];

pub fn is_known_rule(code: &str) -> bool {
    ALL_RULES.contains(&code)
}

pub fn default_severity(code: &str) -> Severity {
    RULES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(Severity::Warning, |(_, s)| *s)
}

/// Configured rule levels (from `[rules]` in byline.toml or editor settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSettings {
    pub levels: BTreeMap<String, RuleLevel>,
}

impl RuleSettings {
    /// The severity to report `code` at, or `None` when it is off.
    pub fn level(&self, code: &str) -> Option<Severity> {
        match self.levels.get(code) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(s)) => Some(*s),
            None => Some(default_severity(code)),
        }
    }
}

/// Run every rule over one analysed document.
pub fn run_all(
    doc: &Document<'_>,
    people: &[PersonMention],
    attributions: &[Attribution],
    quotes: &[Quote],
    ctx: &Context<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let on = |code: &str| ctx.rules.level(code).is_some();
    if on(vague_attribution::CODE) {
        vague_attribution::check(doc, attributions, ctx, &mut out);
    }
    if on(anonymous_source::CODE) {
        anonymous_source::check(doc, attributions, ctx, &mut out);
    }
    if on(unattributed_quote::CODE) {
        unattributed_quote::check(doc, people, attributions, quotes, ctx, &mut out);
    }
    if on(weasel_word::CODE) {
        weasel_word::check(doc, attributions, quotes, ctx, &mut out);
    }
    if on(unsourced_statistic::CODE) {
        unsourced_statistic::check(doc, attributions, quotes, ctx, &mut out);
    }
    footnotes::check(
        doc,
        on(footnotes::UNDEFINED),
        on(footnotes::UNUSED),
        &mut out,
    );
    people_rules::run(doc, people, ctx, &mut out);
    out
}

/// Drop findings that are off or suppressed, set configured severities, sort by position.
pub fn finalize(doc: &Document<'_>, findings: &mut Vec<Finding>, settings: &RuleSettings) {
    findings.retain_mut(|f| match settings.level(f.code) {
        Some(sev) => {
            f.severity = sev;
            !is_suppressed(doc, f)
        }
        None => false,
    });
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
    findings.dedup_by(|a, b| a.span == b.span && a.code == b.code);
}

fn applies(rules: &[String], code: &str) -> bool {
    rules.is_empty() || rules.iter().any(|r| r == code)
}

/// Whether a directive turns `f` off at its position.
pub fn is_suppressed(doc: &Document<'_>, f: &Finding) -> bool {
    let at = f.span.start;
    // Region directives: the last disable/enable before `at` that concerns this rule wins.
    let mut disabled = false;
    for d in &doc.directives {
        match d {
            Directive::Disable { offset, rules } if *offset <= at && applies(rules, f.code) => {
                disabled = true
            }
            Directive::Enable { offset, rules } if *offset <= at && applies(rules, f.code) => {
                disabled = false
            }
            Directive::DisableNextLine { line, rules } | Directive::DisableLine { line, rules }
                if line.start <= at && at <= line.end && applies(rules, f.code) =>
            {
                return true
            }
            _ => {}
        }
    }
    disabled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Span;

    fn finding(code: &'static str, span: Span) -> Finding {
        Finding {
            code,
            severity: default_severity(code),
            span,
            message: String::new(),
            related: vec![],
            fixes: vec![],
        }
    }

    #[test]
    fn directives_suppress() {
        let t = "Analysts say A.\n<!-- byline-disable-next-line vague-attribution -->\nAnalysts say B.\n<!-- byline-disable -->\nSources say C.\n<!-- byline-enable -->\nSources say D.\n";
        let doc = Document::parse(t, None);
        let at = |s: &str| {
            let i = t.find(s).unwrap();
            i..i + s.len()
        };
        let mut fs = vec![
            finding("vague-attribution", at("Analysts say A")),
            finding("vague-attribution", at("Analysts say B")),
            finding("weasel-word", at("Analysts say B")),
            finding("vague-attribution", at("Sources say C")),
            finding("vague-attribution", at("Sources say D")),
        ];
        finalize(&doc, &mut fs, &RuleSettings::default());
        let left: Vec<_> = fs.iter().map(|f| (&t[f.span.clone()], f.code)).collect();
        assert_eq!(
            left,
            vec![
                ("Analysts say A", "vague-attribution"),
                ("Analysts say B", "weasel-word"),
                ("Sources say D", "vague-attribution")
            ]
        );
    }

    #[test]
    fn severities_and_off() {
        let doc = Document::parse("x", None);
        let mut s = RuleSettings::default();
        s.levels.insert("weasel-word".into(), RuleLevel::Off);
        s.levels
            .insert("vague-attribution".into(), RuleLevel::On(Severity::Error));
        let mut fs = vec![
            finding("weasel-word", 0..1),
            finding("vague-attribution", 0..1),
        ];
        finalize(&doc, &mut fs, &s);
        assert_eq!(fs.len(), 1);
        assert_eq!(fs[0].severity, Severity::Error);
    }
}
