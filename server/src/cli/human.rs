//! Compiler-style human output: `path:line:col: severity[code]: message`, the source line
//! with the span marked (annotate-snippets), and a summary line.

use std::io::Write;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{counts, FileReport};
use crate::analysis::Severity;

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::HELP,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn render(out: &mut impl Write, reports: &[FileReport], color: bool) -> std::io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for r in reports {
        let items = r
            .findings
            .iter()
            .map(|f| (f.severity, Some(f.code), &f.message, f.span.clone()))
            .chain(
                r.config_problems
                    .iter()
                    .map(|p| (p.severity, None, &p.message, p.span.clone())),
            );
        for (sev, code, message, span) in items {
            let mut title = level(sev).primary_title(message.as_str());
            if let Some(c) = code {
                title = title.id(c);
            }
            let report = [title.element(
                Snippet::source(r.text.as_ref())
                    .path(r.display.as_str())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(span.clone())),
            )];
            writeln!(out, "{}\n", renderer.render(&report))?;
        }
    }
    let [e, w, i, h] = counts(reports);
    let files = reports
        .iter()
        .filter(|r| r.config_problems.is_empty())
        .count();
    writeln!(
        out,
        "{} checked: {}, {}, {}, {}",
        plural(files, "file", "files"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(i, "information", "information"),
        plural(h, "hint", "hints"),
    )
}
