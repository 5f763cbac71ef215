//! Quick fixes shared by the sourcing rules: "Name the source", "Add a footnote source" and
//! "Disable RULE for this line". Edits are byte ranges into the analysed text; snippet text
//! uses LSP snippet syntax (`${1:…}`) with `$`, `}` and `\` escaped in literal parts.

use super::super::document::{BlockKind, Document};
use super::super::{Edit, Finding, Fix, Severity, Span};
use super::default_severity;

/// Escape literal text for use inside an LSP snippet (or a placeholder's default).
pub fn snippet_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The line ending the document uses.
fn newline(text: &str) -> &'static str {
    // The first line break decides (files are consistent; scanning them all is wasteful).
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Replace `span` with a snippet placeholder.
pub fn name_source(span: Span, placeholder: &str) -> Fix {
    Fix {
        title: "Name the source".into(),
        edits: vec![Edit {
            span,
            new_text: format!("${{1:{}}}", snippet_escape(placeholder)),
            snippet: true,
        }],
        preferred: true,
    }
}

/// Insert a snippet at `at` under the title "Name the source".
pub fn name_source_insert(at: usize, snippet: String) -> Fix {
    Fix {
        title: "Name the source".into(),
        edits: vec![Edit {
            span: at..at,
            new_text: snippet,
            snippet: true,
        }],
        preferred: true,
    }
}

/// The next free numeric footnote id (one more than the largest numeric id in use).
pub fn next_footnote_id(doc: &Document<'_>) -> String {
    let max = doc
        .footnote_refs
        .iter()
        .chain(doc.footnote_defs.iter())
        .filter_map(|f| f.id.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut n = max.saturating_add(1);
    while doc
        .footnote_refs
        .iter()
        .chain(doc.footnote_defs.iter())
        .any(|f| f.id == n.to_string())
    {
        n = n.saturating_add(1);
    }
    n.to_string()
}

/// An edit appending the footnote definition `[^id]: ${1:source}` at the end of the document,
/// grouped with existing definitions when the document ends with them.
pub fn definition_edit(doc: &Document<'_>, id: &str) -> Edit {
    let text = doc.text;
    let nl = newline(text);
    let last_is_def = doc
        .blocks
        .last()
        .is_some_and(|b| b.kind == BlockKind::FootnoteDef);
    let trimmed_len = text.trim_end_matches([' ', '\t']).len();
    let ends_nl = text[..trimmed_len].ends_with('\n');
    let ends_blank =
        text[..trimmed_len].ends_with("\n\n") || text[..trimmed_len].ends_with("\r\n\r\n");
    let prefix = if text.trim().is_empty() {
        ""
    } else if last_is_def {
        if ends_nl {
            ""
        } else {
            nl
        }
    } else if ends_blank {
        ""
    } else if ends_nl {
        nl
    } else if nl == "\r\n" {
        "\r\n\r\n"
    } else {
        "\n\n"
    };
    Edit {
        span: text.len()..text.len(),
        new_text: format!("{prefix}[^{}]: ${{1:source}}{nl}", snippet_escape(id)),
        snippet: true,
    }
}

/// "Add a footnote source": `[^n]` after the sentence ending at `sentence_end`, and a
/// definition stub at the end of the document.
pub fn add_footnote(doc: &Document<'_>, sentence_end: usize) -> Fix {
    let id = next_footnote_id(doc);
    let at = sentence_end.min(doc.text.len());
    Fix {
        title: "Add a footnote source".into(),
        edits: vec![
            Edit {
                span: at..at,
                new_text: format!("[^{id}]"),
                snippet: false,
            },
            definition_edit(doc, &id),
        ],
        preferred: false,
    }
}

/// "Disable RULE for this line": a `byline-disable-next-line` comment on its own line when the
/// finding's line starts a block (a comment line there cannot merge into or split a Markdown
/// paragraph or list), else a `byline-disable-line` comment at the end of the line.
pub fn disable_line(doc: &Document<'_>, code: &str, at: usize) -> Fix {
    let text = doc.text;
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let content_end = if line_end > line_start && text.as_bytes()[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    };
    let prev_blank = line_start == 0 || line_start <= doc.body_start || {
        let before = &text[..line_start - 1];
        let prev_line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before[prev_line_start..].trim().is_empty()
    };
    let nl = newline(text);
    let edit = if prev_blank {
        Edit {
            span: line_start..line_start,
            new_text: format!("<!-- byline-disable-next-line {code} -->{nl}"),
            snippet: false,
        }
    } else {
        Edit {
            span: content_end..content_end,
            new_text: format!(" <!-- byline-disable-line {code} -->"),
            snippet: false,
        }
    };
    Fix {
        title: format!("Disable {code} for this line"),
        edits: vec![edit],
        preferred: false,
    }
}

/// A finding with the default severity of `code` (finalize applies configured levels).
pub fn finding(code: &'static str, span: Span, message: String) -> Finding {
    let severity: Severity = default_severity(code);
    Finding {
        code,
        severity,
        span,
        message,
        related: Vec::new(),
        fixes: Vec::new(),
    }
}

/// Shorten a phrase for a message (whitespace collapsed, at most `max` chars + "…").
pub fn shorten(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for w in s.split_whitespace() {
        if !out.is_empty() {
            if n >= max {
                out.push('…');
                return out;
            }
            out.push(' ');
            n += 1;
        }
        for c in w.chars() {
            if n >= max {
                out.push('…');
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// Where to insert before a sentence's final full stop/question/exclamation mark (not after a
/// closing quote), if the sentence ends with one.
pub fn before_final_stop(doc: &Document<'_>, sentence: &Span) -> Option<usize> {
    let t = doc.text.get(sentence.clone())?;
    let trimmed = t.trim_end();
    let last = trimmed.chars().next_back()?;
    if !matches!(last, '.' | '!' | '?') {
        return None;
    }
    let before = trimmed[..trimmed.len() - 1].chars().next_back();
    if before.is_some_and(|c| matches!(c, '"' | '”' | '’' | '\'' | '.' | ')')) {
        return None;
    }
    Some(sentence.start + trimmed.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, fix: &Fix) -> String {
        // LSP: edits at the same position apply in array order, so apply from the back.
        let mut edits: Vec<(usize, Edit)> = fix.edits.iter().cloned().enumerate().collect();
        edits.sort_by_key(|(i, e)| std::cmp::Reverse((e.span.start, *i)));
        let mut s = text.to_string();
        for (_, e) in edits {
            s.replace_range(e.span, &e.new_text);
        }
        s
    }

    #[test]
    fn footnote_fix_picks_unused_id_and_appends() {
        let t = "Prices rose 5 percent.[^1]\n\nWages fell 2 percent.\n\n[^1]: Eurostat.\n";
        let d = Document::parse(t, None);
        let end = t.find("percent.\n").unwrap() + "percent.".len();
        let f = add_footnote(&d, end);
        assert_eq!(apply(t, &f), "Prices rose 5 percent.[^1]\n\nWages fell 2 percent.[^2]\n\n[^1]: Eurostat.\n[^2]: ${1:source}\n");
        let t = "Wages fell 2 percent.";
        let d = Document::parse(t, None);
        assert_eq!(
            apply(t, &add_footnote(&d, t.len())),
            "Wages fell 2 percent.[^1]\n\n[^1]: ${1:source}\n"
        );
        let t = "Wages fell 2 percent.\r\n";
        let d = Document::parse(t, None);
        assert_eq!(
            apply(t, &add_footnote(&d, 21)),
            "Wages fell 2 percent.[^1]\r\n\r\n[^1]: ${1:source}\r\n"
        );
    }

    #[test]
    fn disable_fix_forms() {
        let t = "Intro line.\n\nAnalysts say X.\nSources say Y.\n";
        let d = Document::parse(t, None);
        let f = disable_line(&d, "vague-attribution", t.find("Analysts").unwrap());
        assert_eq!(apply(t, &f), "Intro line.\n\n<!-- byline-disable-next-line vague-attribution -->\nAnalysts say X.\nSources say Y.\n");
        let f = disable_line(&d, "vague-attribution", t.find("Sources").unwrap());
        assert_eq!(apply(t, &f), "Intro line.\n\nAnalysts say X.\nSources say Y. <!-- byline-disable-line vague-attribution -->\n");
        // Both forms really suppress (checked through the directive parser).
        for at in [t.find("Analysts").unwrap(), t.find("Sources").unwrap()] {
            let fixed = apply(t, &disable_line(&d, "vague-attribution", at));
            let d2 = Document::parse(&fixed, None);
            let off = if at == t.find("Analysts").unwrap() {
                fixed.find("Analysts").unwrap()
            } else {
                fixed.find("Sources").unwrap()
            };
            let f = finding("vague-attribution", off..off + 3, String::new());
            assert!(super::super::is_suppressed(&d2, &f));
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(snippet_escape("a$b}c\\"), "a\\$b\\}c\\\\");
        assert_eq!(shorten("one  two\nthree", 7), "one two…");
    }
}
