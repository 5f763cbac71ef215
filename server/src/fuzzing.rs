//! Bodies of the fuzz targets in `server/fuzz` (cargo fuzz, nightly), kept here so that the
//! stable test `server/tests/fuzz_corpus.rs` replays the committed corpora and regression
//! inputs through exactly the same code.
//!
//! Each function takes the fuzzer's raw bytes and panics only when an invariant is broken
//! (that panic is the bug report). Structured inputs are decoded with `arbitrary`, inside
//! these functions, so the fuzz crate and the replay test need nothing but the bytes.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::analysis::{self, Context, FileAnalysis, Span};
use crate::config;
use crate::lsp::position::{rope_offset, Encoding, LineIndex};
use crate::lsp::server::apply_change;
use crate::workspace::ConfigState;

/// A fuzz target's body: the fuzzer's raw bytes in, a panic when an invariant is broken.
pub type Target = fn(&[u8]);

/// Every fuzz target by name (the folder names under `server/fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("analysis", analysis),
    ("position", position),
    ("config", config),
    ("edits", edits),
];

/// Inputs larger than this are cut (the fuzzers use a smaller `-max_len`; this bounds the
/// replay of hand-added regressions).
const MAX_INPUT: usize = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// analysis

/// A small knowledge base, so the fuzzed articles also go through KB names, aliases, dated
/// roles and events.
const FUZZ_KB: &str = r#"
[[person]]
id = "sergei-ryabkov"
name = "Sergei Ryabkov"
aliases = ["Sergei A. Ryabkov", "S. Ryabkov"]
[[person.roles]]
title = "Deputy Foreign Minister"
organization = "Russian Foreign Ministry"
from = "2008-08"

[[person]]
name = "Anne Ellison"
[[person.roles]]
title = "Under Secretary of State"
from = "2025-06-01"
[[person.roles]]
title = "Ambassador to NATO"
from = "2022"
to = "2025-05-31"

[[person]]
name = "田辺恵子"
aliases = ["Tanabe"]

[[event]]
id = "geneva-summit-2026"
name = "Geneva strategic stability summit"
date = "2026-03-12"
place = "Geneva"
participants = ["sergei-ryabkov", "Anne Ellison"]
aliases = ["Geneva summit", "Geneva talks"]
"#;

static KB_CONFIG: LazyLock<ConfigState> = LazyLock::new(|| {
    let parsed = config::parse(FUZZ_KB);
    let cfg = parsed.config.expect("the fuzzing knowledge base parses");
    ConfigState::from_config(None, cfg, parsed.problems)
});

/// Bytes → text (invalid UTF-8 replaced) → `analysis::analyze`, with the default context and
/// with a knowledge base and fallback date; every range of the result must be valid.
pub fn analysis(data: &[u8]) {
    let text = String::from_utf8_lossy(&data[..data.len().min(MAX_INPUT)]);
    let a = analysis::analyze(&text, &Context::defaults());
    check_analysis(&text, &a);
    let kb = &*KB_CONFIG;
    let a = analysis::analyze(&text, &kb.context(NaiveDate::from_ymd_opt(2026, 3, 12)));
    check_analysis(&text, &a);
}

fn check_span(text: &str, span: &Span, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what}: bad span {span:?} in a text of {} bytes",
        text.len()
    );
}

/// Every byte range of an analysis lies inside `text` on char boundaries, and every index
/// into another list of the analysis points into that list.
pub fn check_analysis(text: &str, a: &FileAnalysis) {
    if let Some(s) = &a.meta.author_span {
        check_span(text, s, "author");
    }
    if let Some((s, _)) = &a.meta.dateline {
        check_span(text, s, "dateline");
    }
    for s in &a.sentences {
        check_span(text, s, "sentence");
    }
    for p in &a.people {
        check_span(text, &p.span, "person mention");
        assert_eq!(&text[p.span.clone()], &*p.text, "person mention text");
        if let Some(t) = &p.title {
            check_span(text, &t.span, "person title");
            assert_eq!(&text[t.span.clone()], &*t.text, "person title text");
        }
    }
    for e in &a.events {
        check_span(text, &e.span, "event mention");
        if let Some(i) = e.antecedent {
            assert!(i < a.events.len(), "event antecedent {i} out of range");
        }
    }
    for at in &a.attributions {
        check_span(text, &at.source, "attribution source");
        check_span(text, &at.cue, "attribution cue");
        check_span(text, &at.content, "attribution content");
        assert!(
            at.sentence < a.sentences.len(),
            "attribution sentence {} out of range",
            at.sentence
        );
    }
    for q in &a.quotes {
        check_span(text, &q.span, "quote");
        if let Some(i) = q.attribution {
            assert!(
                i < a.attributions.len(),
                "quote attribution {i} out of range"
            );
        }
    }
    for f in &a.findings {
        check_span(text, &f.span, f.code);
        for (s, _) in &f.related {
            check_span(text, s, "related information");
        }
        for fix in &f.fixes {
            for e in &fix.edits {
                check_span(text, &e.span, "fix edit");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Structured text for `position` and `edits`

/// A piece of generated text, biased towards what matters for positions and analysis: line
/// breaks of every kind, multi-byte and astral characters, newsroom words.
#[derive(Debug, Clone, Arbitrary)]
pub enum Piece {
    Ascii(u8),
    Lf,
    CrLf,
    Cr,
    /// 4 bytes in UTF-8, a surrogate pair in UTF-16.
    Emoji,
    /// 3 bytes in UTF-8, 1 unit in UTF-16.
    Cjk,
    CurlyQuote(bool),
    Nbsp,
    Word(u8),
    Char(char),
}

const WORDS: &[&str] = &[
    "Ryabkov",
    "Sergei Ryabkov",
    " said ",
    "Analysts say",
    " according to ",
    "Mr. ",
    "the talks",
    "Geneva summit",
    "GENEVA — ",
    "\"",
    "'",
    ". ",
    "42%",
    "[^1]",
    "<!-- byline-disable -->",
    "---\ndate: 2026-03-12\n---\n",
];

impl Piece {
    fn push_to(&self, out: &mut String) {
        match self {
            Piece::Ascii(b) => out.push(char::from(b & 0x7f)),
            Piece::Lf => out.push('\n'),
            Piece::CrLf => out.push_str("\r\n"),
            Piece::Cr => out.push('\r'),
            Piece::Emoji => out.push('🎉'),
            Piece::Cjk => out.push('王'),
            Piece::CurlyQuote(open) => out.push(if *open { '“' } else { '”' }),
            Piece::Nbsp => out.push('\u{a0}'),
            Piece::Word(i) => out.push_str(WORDS[*i as usize % WORDS.len()]),
            Piece::Char(c) => out.push(*c),
        }
    }
}

fn text_of(pieces: &[Piece]) -> String {
    let mut s = String::new();
    for p in pieces {
        p.push_to(&mut s);
    }
    s
}

/// An LSP position: mostly near the text, sometimes anywhere.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Pos {
    Near { line: u8, character: u8 },
    Far { line: u32, character: u32 },
}

impl Pos {
    fn lsp(self) -> Position {
        match self {
            Pos::Near { line, character } => Position {
                line: u32::from(line % 16),
                character: u32::from(character),
            },
            Pos::Far { line, character } => Position { line, character },
        }
    }
}

fn encoding(utf8: bool) -> Encoding {
    if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

// ---------------------------------------------------------------------------------------------
// position

#[derive(Debug, Arbitrary)]
struct PositionInput {
    text: Vec<Piece>,
    positions: Vec<Pos>,
    offsets: Vec<u16>,
}

/// Text + positions + offsets through `LineIndex` and `rope_offset`, in UTF-8 and UTF-16:
/// no panic, results clamped to the text on char boundaries, the rope and the line index
/// agree, offset → position → offset round-trips, and both encodings name the same offset.
pub fn position(data: &[u8]) {
    let Ok(input) = PositionInput::arbitrary_take_rest(Unstructured::new(cap(data))) else {
        return;
    };
    let text = text_of(&input.text);
    let li = LineIndex::new(&text);
    let rope = Rope::from_str(&text);
    assert_eq!(li.line_count(), rope.len_lines(), "line count of {text:?}");

    for pos in input.positions.iter().map(|p| p.lsp()) {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let o = li.offset(&text, pos, enc);
            assert!(
                o <= text.len() && text.is_char_boundary(o),
                "offset {o} for {pos:?} {enc:?} in {text:?}"
            );
            let r = rope_offset(&rope, pos, enc);
            assert_eq!(
                rope.char_to_byte(r),
                o,
                "rope vs line index at {pos:?} {enc:?}"
            );
            // Clamping only ever moves a position back, and the result round-trips.
            let back = li.position(&text, o, enc);
            assert!(
                (back.line, back.character) <= (pos.line, pos.character),
                "{pos:?} clamped forward to {back:?} ({enc:?}) in {text:?}"
            );
            assert_eq!(
                li.offset(&text, back, enc),
                o,
                "{back:?} {enc:?} in {text:?}"
            );
        }
    }

    let len = text.len();
    for &raw in &input.offsets {
        let off = raw as usize % (len + 2); // sometimes one past the end
        let p8 = li.position(&text, off, Encoding::Utf8);
        let p16 = li.position(&text, off, Encoding::Utf16);
        assert_eq!(p8.line, p16.line, "line of offset {off} in {text:?}");
        let o8 = li.offset(&text, p8, Encoding::Utf8);
        let o16 = li.offset(&text, p16, Encoding::Utf16);
        assert_eq!(o8, o16, "UTF-8 vs UTF-16 for offset {off} in {text:?}");
        assert!(o8 <= off.min(len) && text.is_char_boundary(o8));
        let inside_crlf = off > 0
            && off < len
            && text.as_bytes()[off - 1] == b'\r'
            && text.as_bytes()[off] == b'\n';
        if off <= len && text.is_char_boundary(off) && !inside_crlf {
            assert_eq!(o8, off, "offset {off} does not round-trip in {text:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// config

/// Bytes → text → `config::parse` (settings and knowledge base): no panic, every problem
/// and KB range inside the text on char boundaries; a good config builds its indexes and
/// analyses an article that uses its names.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(cap(data));
    let parsed = config::parse(&text);
    for p in &parsed.problems {
        check_span(&text, &p.span, &p.message);
    }
    let Some(cfg) = parsed.config else {
        return;
    };
    for p in &cfg.people {
        check_span(&text, &p.span, "person table");
        check_span(&text, &p.name_span, "person name");
    }
    for e in &cfg.events {
        check_span(&text, &e.span, "event table");
    }
    // An article that names every KB person and event, titled and by alias.
    let mut article = String::from("GENEVA — ");
    for p in cfg.people.iter().take(32) {
        let title = p.roles.first().map_or("Mr.", |r| r.title.as_str());
        article.push_str(&format!("{title} {} said “this is fine”. ", p.name));
        for a in p.aliases.iter().take(4) {
            article.push_str(&format!("{a} told reporters. "));
        }
    }
    for e in cfg.events.iter().take(32) {
        article.push_str(&format!("At the {}, analysts say. ", e.name));
        for a in e.aliases.iter().take(4) {
            article.push_str(&format!("The {a} ended. "));
        }
    }
    let state = ConfigState::from_config(None, cfg, parsed.problems);
    let a = analysis::analyze(
        &article,
        &state.context(NaiveDate::from_ymd_opt(2026, 3, 12)),
    );
    check_analysis(&article, &a);
}

// ---------------------------------------------------------------------------------------------
// edits

#[derive(Debug, Arbitrary)]
struct Change {
    /// `None`: the change replaces the whole document.
    range: Option<(Pos, Pos)>,
    text: Vec<Piece>,
}

#[derive(Debug, Arbitrary)]
struct EditsInput {
    utf8: bool,
    initial: Vec<Piece>,
    changes: Vec<Change>,
}

/// A document opened with some text, then a sequence of `didChange` content changes applied
/// as the server applies them (`lsp::server::apply_change` on a rope) and, independently, to
/// a plain `String` through `LineIndex`: the texts agree after every change, and the final
/// text analyses without panicking.
pub fn edits(data: &[u8]) {
    let Ok(input) = EditsInput::arbitrary_take_rest(Unstructured::new(cap(data))) else {
        return;
    };
    let enc = encoding(input.utf8);
    let mut model = text_of(&input.initial);
    let mut rope = Rope::from_str(&model);
    for ch in input.changes.iter().take(64) {
        let new_text = text_of(&ch.text);
        let range = ch.range.map(|(s, e)| Range {
            start: s.lsp(),
            end: e.lsp(),
        });
        apply_change(
            &mut rope,
            &TextDocumentContentChangeEvent {
                range,
                range_length: None,
                text: new_text.clone(),
            },
            enc,
        );
        match range {
            None => model = new_text,
            Some(r) => {
                let li = LineIndex::new(&model);
                let s = li.offset(&model, r.start, enc);
                let e = li.offset(&model, r.end, enc);
                model.replace_range(s.min(e)..s.max(e), &new_text);
            }
        }
        assert_eq!(rope.to_string(), model, "after {ch:?} ({enc:?})");
    }
    let a = analysis::analyze(&model, &Context::defaults());
    check_analysis(&model, &a);
}

fn cap(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}
