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
    // Each file's findings are rendered into a buffer on every core, then written in order.
    let parts = super::par_map(reports, |r| {
        let mut out = String::new();
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
            // Only the lines the span touches are given to the renderer (a whole long
            // article per finding would make rendering quadratic).
            let mut start = r.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let mut end = r.text[span.end..]
                .find('\n')
                .map_or(r.text.len(), |i| span.end + i);
            // Very long lines: keep a window around the span.
            if span.start - start > 400 {
                start = crate::analysis::document::floor_char(&r.text, span.start - 300);
            }
            if end - span.end > 400 {
                end = crate::analysis::document::floor_char(&r.text, span.end + 300);
            }
            let line_no = r.text[..start].matches('\n').count() + 1;
            let excerpt = &r.text[start..end];
            let report = [title.element(
                Snippet::source(excerpt)
                    .line_start(line_no)
                    .path(r.display.as_str())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(span.start - start..span.end - start)),
            )];
            out.push_str(&renderer.render(&report));
            out.push_str("\n\n");
        }
        out
    });
    for part in parts {
        out.write_all(part.as_bytes())?;
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
