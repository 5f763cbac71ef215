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
    ("framing", framing),
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

// ---------------------------------------------------------------------------------------------
// framing

/// Message bodies a client sends: valid JSON-RPC, some with header-like text inside strings,
/// pretty-printed with raw line breaks, and non-ASCII.
const BODIES: &[&str] = &[
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
    r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    r#"{"jsonrpc":"2.0","id":"h","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.md"},"position":{"line":0,"character":3}}}"#,
    r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.md","languageId":"markdown","version":1,"text":"Content-Length: 5\r\n\r\nSergei Ryabkov said “no”.\n"}}}"#,
    "{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 7,\n  \"result\": {\"content-length\": 12}\r\n}",
    r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
    r#"{"jsonrpc":"2.0","method":"exit"}"#,
    r#"{"jsonrpc":"2.0","id":3,"result":null}"#,
    r#"[]"#,
    r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"王毅 Content-Length:"}}"#,
];

#[derive(Debug, Arbitrary)]
enum FuzzBody {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum FrameOp {
    /// Keep only the first `at` bytes of the frame (header or body).
    Cut { frame: u8, at: u16 },
    /// Insert bytes `from_at..from_at+len` of frame `from` at offset `at`.
    Splice {
        frame: u8,
        at: u16,
        from: u8,
        from_at: u16,
        len: u16,
    },
    /// Declare a wrong length.
    Length { frame: u8, delta: i16 },
    /// Raw bytes before the frame.
    Junk { frame: u8, bytes: Vec<u8> },
    /// A run of one byte before the frame (long header lines, CR/LF runs).
    Run { frame: u8, byte: u8, n: u16 },
}

#[derive(Debug, Arbitrary)]
struct FramingInput {
    bodies: Vec<FuzzBody>,
    ops: Vec<FrameOp>,
    /// Sizes of the pieces the stream is read in.
    pieces: Vec<u16>,
}

/// Frames cut and spliced at random byte offsets, wrong lengths, junk between frames, fed to
/// `lsp::framing::Deframer` whole and in random pieces: the same events either way (and
/// through `pass_on` without a panic), memory within the contract's bound, and every frame
/// left intact whose body is valid JSON comes out as that message, in order.
pub fn framing(data: &[u8]) {
    use crate::lsp::framing::{pass_on, Deframer, Event, KEEP_BROKEN, MAX_HEADER_LINE};
    let Ok(input) = FramingInput::arbitrary_take_rest(Unstructured::new(cap(data))) else {
        return;
    };
    let bodies: Vec<Vec<u8>> = input
        .bodies
        .iter()
        .take(16)
        .map(|b| match b {
            FuzzBody::Known(i) => BODIES[*i as usize % BODIES.len()].as_bytes().to_vec(),
            FuzzBody::Raw(r) => r.clone(),
        })
        .collect();
    if bodies.is_empty() {
        return;
    }
    let n = bodies.len();
    let mut frames: Vec<Vec<u8>> = bodies
        .iter()
        .map(|b| [format!("Content-Length: {}\r\n\r\n", b.len()).as_bytes(), b].concat())
        .collect();
    let mut before: Vec<Vec<u8>> = vec![Vec::new(); n];
    let mut intact = vec![true; n];
    for op in input.ops.iter().take(16) {
        match *op {
            FrameOp::Cut { frame, at } => {
                let f = frame as usize % n;
                let at = at as usize % (frames[f].len() + 1);
                frames[f].truncate(at);
                intact[f] = false;
            }
            FrameOp::Splice {
                frame,
                at,
                from,
                from_at,
                len,
            } => {
                let (f, g) = (frame as usize % n, from as usize % n);
                let src = &frames[g];
                let s = from_at as usize % (src.len() + 1);
                let e = (s + len as usize).min(src.len());
                let piece = src[s..e].to_vec();
                let at = at as usize % (frames[f].len() + 1);
                frames[f].splice(at..at, piece);
                intact[f] = false;
            }
            FrameOp::Length { frame, delta } => {
                let f = frame as usize % n;
                let body = &bodies[f];
                let declared = (body.len() as i64 + delta as i64).max(0);
                frames[f] = [
                    format!("Content-Length: {declared}\r\n\r\n").as_bytes(),
                    body,
                ]
                .concat();
                intact[f] = delta == 0 && intact[f];
            }
            FrameOp::Junk { frame, ref bytes } => {
                before[frame as usize % n].extend_from_slice(bytes);
            }
            FrameOp::Run {
                frame,
                byte,
                n: len,
            } => {
                before[frame as usize % n].extend(std::iter::repeat_n(byte, len as usize % 4096));
            }
        }
    }
    let stream: Vec<u8> = before
        .iter()
        .zip(&frames)
        .flat_map(|(b, f)| b.iter().chain(f))
        .copied()
        .collect();

    let collect = |d: &mut Deframer| std::iter::from_fn(|| d.next_event()).collect::<Vec<_>>();
    let mut whole = Deframer::new();
    whole.push(&stream);
    whole.finish();
    let whole = collect(&mut whole);

    let mut d = Deframer::new();
    let mut pieced = Vec::new();
    let mut at = 0;
    let mut sizes = input.pieces.iter().map(|p| *p as usize % 700 + 1).cycle();
    while at < stream.len() {
        let size = if input.pieces.is_empty() {
            stream.len()
        } else {
            sizes.next().unwrap_or(1)
        };
        let end = (at + size).min(stream.len());
        d.push(&stream[at..end]);
        let bound = KEEP_BROKEN + 2 * MAX_HEADER_LINE + 2 + (end - at) + d.body_len().unwrap_or(0);
        assert!(
            d.buffered() <= bound,
            "{} bytes held, bound {bound}",
            d.buffered()
        );
        at = end;
        pieced.extend(collect(&mut d));
    }
    d.finish();
    pieced.extend(collect(&mut d));
    assert_eq!(pieced, whole, "events depend on how the input was cut");

    for ev in &whole {
        let out = pass_on(ev);
        assert!(out.starts_with(b"Content-Length: "));
        if let Event::Broken { head, len, .. } = ev {
            assert!(head.len() <= (*len).min(KEEP_BROKEN));
        }
    }
    // Every intact frame with a JSON body is recovered, in order.
    let mut messages = whole.iter().filter_map(|e| match e {
        Event::Message(b) => Some(b),
        Event::Broken { .. } => None,
    });
    for (i, body) in bodies.iter().enumerate() {
        if !intact[i] || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            continue;
        }
        assert!(
            messages.any(|m| m == body),
            "intact frame {i} lost: {:?}\nstream {:?}\nevents {whole:?}",
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&stream)
        );
    }
}

fn cap(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}
