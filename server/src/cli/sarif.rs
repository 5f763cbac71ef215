//! SARIF 2.1.0 output (types from `serde-sarif`), for code-review and CI tools.

use std::io::Write;

use serde_sarif::sarif;

use super::FileReport;
use crate::analysis::rules::{DOCS_BASE, RULES};
use crate::analysis::Severity;
use crate::lsp::position::{Encoding, LineIndex};

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Information | Severity::Hint => sarif::ResultLevel::Note,
    }
}

pub fn build(reports: &[FileReport]) -> sarif::Sarif {
    let rules: Vec<sarif::ReportingDescriptor> = RULES
        .iter()
        .map(|(code, sev)| {
            sarif::ReportingDescriptor::builder()
                .id(code.to_string())
                .help_uri(format!("{DOCS_BASE}{code}"))
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::json!(level(*sev).to_string()))
                        .build(),
                )
                .build()
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("byline")
        .version(env!("CARGO_PKG_VERSION").to_string())
        .information_uri("https://github.com/byline-news/byline".to_string())
        .rules(rules)
        .build();
    // Per file, on every core.
    let per_file = super::par_map(reports, |r| {
        let mut results = Vec::new();
        let index = LineIndex::new(&r.text);
        let items = r
            .findings
            .iter()
            .map(|f| (f.severity, f.code, &f.message, f.span.clone()))
            .chain(
                r.config_problems
                    .iter()
                    .map(|p| (p.severity, "config-error", &p.message, p.span.clone())),
            );
        for (sev, code, message, span) in items {
            // SARIF regions: 1-based lines; columns in UTF-16 code units (the default
            // columnKind), 1-based.
            let s = index.position(&r.text, span.start, Encoding::Utf16);
            let e = index.position(&r.text, span.end, Encoding::Utf16);
            let region = sarif::Region::builder()
                .start_line(i64::from(s.line) + 1)
                .start_column(i64::from(s.character) + 1)
                .end_line(i64::from(e.line) + 1)
                .end_column(i64::from(e.character) + 1)
                .char_offset(r.text[..span.start].chars().count() as i64)
                .char_length(r.text[span.clone()].chars().count() as i64)
                .build();
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder()
                                .uri(r.display.clone())
                                .build(),
                        )
                        .region(region)
                        .build(),
                )
                .build();
            results.push(
                sarif::Result::builder()
                    .rule_id(code.to_string())
                    .level(level(sev))
                    .message(sarif::Message::builder().text(message.clone()).build())
                    .locations(vec![location])
                    .build(),
            );
        }
        results
    });
    let results: Vec<sarif::Result> = per_file.into_iter().flatten().collect();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .column_kind("utf16CodeUnits".to_string())
        .build();
    sarif::Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema(sarif::SCHEMA_URL.to_string())
        .runs(vec![run])
        .build()
}

pub fn render(out: &mut impl Write, reports: &[FileReport]) -> std::io::Result<()> {
    // Compact: a 10,000-article run has 240k results, and pretty-printing them costs ~0.5 s.
    serde_json::to_writer(&mut *out, &build(reports)).map_err(std::io::Error::other)?;
    writeln!(out)
}
