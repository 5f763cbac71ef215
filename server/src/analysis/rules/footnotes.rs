//! `undefined-source` (error): a Markdown footnote marker `[^id]` with no definition.
//! `unused-source` (hint): a footnote definition `[^id]: …` that nothing cites.

use std::collections::HashSet;

use super::super::document::{Block, Document};
use super::super::{Edit, Finding, Fix};
use super::fixes::{definition_edit, disable_line, finding};

pub const UNDEFINED: &str = "undefined-source";
pub const UNUSED: &str = "unused-source";

pub fn check(doc: &Document<'_>, want_undefined: bool, want_unused: bool, out: &mut Vec<Finding>) {
    // Sets, not scans: an article of thousands of footnotes must stay linear.
    let defined: HashSet<&str> = doc.footnote_defs.iter().map(|d| d.id.as_str()).collect();
    let cited: HashSet<&str> = doc.footnote_refs.iter().map(|r| r.id.as_str()).collect();
    if want_undefined {
        let mut done: HashSet<&str> = HashSet::new();
        for r in &doc.footnote_refs {
            if defined.contains(r.id.as_str()) {
                continue;
            }
            let mut f = finding(UNDEFINED, r.span.clone(), format!("Footnote [^{}] is cited but never defined: add its source at the end of the article", r.id));
            if done.insert(r.id.as_str()) {
                f.fixes.push(Fix {
                    title: format!("Add a definition for [^{}]", r.id),
                    edits: vec![definition_edit(doc, &r.id)],
                    preferred: true,
                });
            }
            f.fixes.push(disable_line(doc, UNDEFINED, r.span.start));
            out.push(f);
        }
    }
    if want_unused {
        for d in &doc.footnote_defs {
            if cited.contains(d.id.as_str()) {
                continue;
            }
            let label = d.span.start..d.span.end.saturating_sub(1).max(d.span.start);
            let span = doc
                .text
                .get(d.span.clone())
                .and_then(|t| t.find("[^"))
                .map_or(label, |i| d.span.start + i..d.span.end.saturating_sub(1));
            let mut f = finding(UNUSED, span.clone(), format!("Footnote [^{}] is defined but never cited: cite it where the claim is made, or remove it", d.id));
            // Remove the whole definition (with continuation lines) and its line break.
            let holds = |b: &&Block| {
                b.span.start <= d.span.start && d.span.start < b.span.end.max(b.span.start + 1)
            };
            // Blocks are in text order: try the last one starting at or before the definition.
            let i = doc.blocks.partition_point(|b| b.span.start <= d.span.start);
            let block_end = i
                .checked_sub(1)
                .and_then(|i| doc.blocks.get(i))
                .filter(holds)
                .or_else(|| doc.blocks.iter().find(holds))
                .map_or(d.span.end, |b| b.span.end);
            let line_start = doc.text[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
            let mut end = block_end;
            if doc.text[end..].starts_with("\r\n") {
                end += 2;
            } else if doc.text[end..].starts_with('\n') {
                end += 1;
            }
            f.fixes.push(Fix {
                title: format!("Remove the unused footnote [^{}]", d.id),
                edits: vec![Edit {
                    span: line_start..end,
                    new_text: String::new(),
                    snippet: false,
                }],
                preferred: false,
            });
            f.fixes.push(disable_line(doc, UNUSED, span.start));
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::analysis::testutil::ctx;

    #[test]
    fn undefined_and_unused() {
        let t = "Holm said so.[^1] Ellison agreed.[^4]\n\n[^1]: Transcript.\n[^2]: Folketing voting record, March 18, 2026.\n";
        let r = analyze(t, &ctx());
        let v: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.code.ends_with("-source") && f.code != "anonymous-source")
            .map(|f| (f.code, &t[f.span.clone()]))
            .collect();
        assert_eq!(
            v,
            vec![("undefined-source", "[^4]"), ("unused-source", "[^2]")]
        );
        let unused = r
            .findings
            .iter()
            .find(|f| f.code == "unused-source")
            .unwrap();
        let e = &unused.fixes[0].edits[0];
        let mut s = t.to_string();
        s.replace_range(e.span.clone(), &e.new_text);
        assert_eq!(
            s,
            "Holm said so.[^1] Ellison agreed.[^4]\n\n[^1]: Transcript.\n"
        );
        let undef = r
            .findings
            .iter()
            .find(|f| f.code == "undefined-source")
            .unwrap();
        assert_eq!(undef.fixes[0].edits[0].new_text, "[^4]: ${1:source}\n");
        assert_eq!(undef.severity, crate::analysis::Severity::Error);
    }

    #[test]
    fn quiet_when_consistent() {
        let t = "Holm said so.[^a]\n\n[^a]: Transcript.\n";
        assert!(analyze(t, &ctx())
            .findings
            .iter()
            .all(|f| !f.code.ends_with("d-source")));
    }
}
