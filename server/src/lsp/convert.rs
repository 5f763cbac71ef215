//! Workspace answers → protocol objects. Used by the server and by `byline check --format json`
//! (whose contract is "the Diagnostic the server would publish"), so both agree to the byte.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::position::{Encoding, LineIndex};
use crate::analysis::{Finding, Severity, Span};
use crate::config::ConfigProblem;

/// A text with its line index, for converting many spans.
pub struct Text<'a> {
    pub text: &'a str,
    pub index: LineIndex,
    pub encoding: Encoding,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Text {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        self.index.position(self.text, offset, self.encoding)
    }

    pub fn range(&self, span: &Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(self.text, pos, self.encoding)
    }
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// `file://` URI of a path (absolute paths; relative ones are resolved against the cwd).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = crate::workspace::normalize(path);
    let url = url::Url::from_file_path(&abs).ok()?;
    Uri::from_str(url.as_str()).ok()
}

/// Path of a `file://` URI; `None` for other schemes (untitled buffers, …).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// A finding as the LSP diagnostic the server publishes.
pub fn diagnostic(t: &Text<'_>, uri: Option<&Uri>, f: &Finding) -> Diagnostic {
    let href = Uri::from_str(&format!("{}{}", crate::analysis::rules::DOCS_BASE, f.code)).ok();
    let related = match uri {
        Some(u) if !f.related.is_empty() => Some(
            f.related
                .iter()
                .map(|(span, msg)| DiagnosticRelatedInformation {
                    location: Location {
                        uri: u.clone(),
                        range: t.range(span),
                    },
                    message: msg.clone(),
                })
                .collect(),
        ),
        _ => None,
    };
    Diagnostic {
        range: t.range(&f.span),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("byline".to_string()),
        message: f.message.clone(),
        related_information: related,
        tags: None,
        data: None,
    }
}

/// A `byline.toml` problem as a diagnostic on that file.
pub fn config_diagnostic(t: &Text<'_>, p: &ConfigProblem) -> Diagnostic {
    Diagnostic {
        range: t.range(&p.span),
        severity: Some(severity(p.severity)),
        code: Some(NumberOrString::String(
            if p.severity == Severity::Error {
                "config-error"
            } else {
                "config-warning"
            }
            .to_string(),
        )),
        source: Some("byline".to_string()),
        message: p.message.clone(),
        ..Default::default()
    }
}
