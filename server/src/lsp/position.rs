//! Byte offsets ⇄ LSP positions, in the negotiated encoding (UTF-8 or UTF-16).
//!
//! The one conversion pair of the project: `LineIndex::position` (offset → position) and
//! `LineIndex::offset` (position → offset), plus `rope_offset` for applying edits to open
//! documents. Lines end at `\n`, `\r\n` or a lone `\r`, exactly as the LSP spec says (ropey is
//! built without Unicode line breaks to agree). Out-of-range positions are clamped: a character
//! past the end of a line means the end of that line; a line past the end means the end of
//! the document.

use ropey::Rope;
use tower_lsp_server::ls_types::Position;

pub use crate::lines::Encoding;

/// Start offsets of every line of a text, plus UTF-16 checkpoints so that converting an
/// offset on a very long line costs O(1), not O(line length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// (byte offset on a char boundary, UTF-16 units before it), about every `MARK` bytes.
    /// Only `(0, 0)` for an ASCII text, where units equal bytes.
    marks: Vec<(usize, usize)>,
    ascii: bool,
}

const MARK: usize = 1024;

/// UTF-16 code units of a whole-chars UTF-8 byte slice.
fn utf16_units(b: &[u8]) -> usize {
    b.iter()
        .map(|&x| usize::from((x & 0xC0) != 0x80) + usize::from(x >= 0xF0))
        .sum()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                continue; // the \n that follows ends this line
            }
            starts.push(i + 1);
        }
        // Checkpoints every MARK bytes (moved forward to a char boundary). UTF-16 units are
        // counted per byte: one per char start, one more per 4-byte (astral) char.
        let mut marks = vec![(0, 0)];
        let ascii = text.is_ascii();
        if !ascii {
            let mut units = 0;
            let mut at = 0;
            while at < b.len() {
                let mut end = (at + MARK).min(b.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                units += utf16_units(&b[at..end]);
                if end < b.len() {
                    marks.push((end, units));
                }
                at = end;
            }
        }
        LineIndex {
            starts,
            len: text.len(),
            marks,
            ascii,
        }
    }

    /// UTF-16 units in `text[..offset]` (offset on a char boundary).
    fn utf16_before(&self, text: &str, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let i = self.marks.partition_point(|m| m.0 <= offset) - 1;
        let (pos, units) = self.marks[i];
        units + utf16_units(&text.as_bytes()[pos..offset])
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of line `line`'s content, without its terminator.
    fn line_content(&self, text: &str, line: usize) -> (usize, usize) {
        let s = self.starts[line];
        let mut e = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = text.as_bytes();
        if e > s && b.get(e - 1) == Some(&b'\n') {
            e -= 1;
        }
        if e > s && b.get(e - 1) == Some(&b'\r') {
            e -= 1;
        }
        (s, e)
    }

    /// Offset → position. Offsets past the end or inside a character are clamped down.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (s, e) = self.line_content(text, line);
        let end = offset.min(e).max(s);
        let character = match enc {
            Encoding::Utf8 => end - s,
            // A normal line is counted directly; checkpoints serve very long lines.
            Encoding::Utf16 if end - s <= MARK => utf16_units(&text.as_bytes()[s..end]),
            Encoding::Utf16 => self.utf16_before(text, end) - self.utf16_before(text, s),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// Position → offset, clamped as the LSP spec says. A position inside a surrogate pair
    /// or a UTF-8 sequence snaps to the start of that character.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (s, e) = self.line_content(text, line);
        s + column_to_bytes(&text[s..e], pos.character as usize, enc)
    }
}

/// Byte length of the prefix of `line` that is `col` units long in `enc` (clamped).
fn column_to_bytes(line: &str, col: usize, enc: Encoding) -> usize {
    let mut units = 0;
    for (i, c) in line.char_indices() {
        let w = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + w > col {
            return i;
        }
        units += w;
    }
    line.len()
}

/// Position → char index in an open document's rope (for applying incremental edits).
pub fn rope_offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut units = 0usize;
    let col = pos.character as usize;
    for (i, c) in slice.chars().enumerate() {
        if c == '\n' || c == '\r' {
            return start + i;
        }
        let w = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + w > col {
            return start + i;
        }
        units += w;
    }
    start + slice.len_chars()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn emoji_cjk_curly_quotes_nbsp() {
        let t = "“Hi” 🎉 王毅\u{a0}said\nnext";
        let li = LineIndex::new(t);
        let said = t.find("said").unwrap();
        // “ ” are 1 UTF-16 unit (3 bytes), 🎉 is 2 units (4 bytes), 王毅 2 units (6 bytes), nbsp 1 (2 bytes).
        assert_eq!(
            li.position(t, said, Encoding::Utf16),
            p(0, 1 + 2 + 1 + 1 + 2 + 1 + 2 + 1)
        );
        assert_eq!(li.position(t, said, Encoding::Utf8), p(0, said as u32));
        assert_eq!(li.offset(t, p(0, 11), Encoding::Utf16), said);
        assert_eq!(li.offset(t, p(0, said as u32), Encoding::Utf8), said);
        // Inside the surrogate pair of 🎉 snaps to its start.
        let party = t.find('🎉').unwrap();
        assert_eq!(li.offset(t, p(0, 6), Encoding::Utf16), party);
    }

    #[test]
    fn crlf_and_lone_cr() {
        let t = "ab\r\ncd\ref\n";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 4);
        assert_eq!(
            li.position(t, t.find('c').unwrap(), Encoding::Utf16),
            p(1, 0)
        );
        assert_eq!(
            li.position(t, t.find('e').unwrap(), Encoding::Utf16),
            p(2, 0)
        );
        // Past the end of line 0 clamps before the \r\n.
        assert_eq!(li.offset(t, p(0, 99), Encoding::Utf16), 2);
        // Line past the end → end of document.
        assert_eq!(li.offset(t, p(99, 0), Encoding::Utf16), t.len());
        // The \r of a CRLF is not a column.
        assert_eq!(li.position(t, 3, Encoding::Utf16), p(0, 2));
    }

    #[test]
    fn rope_agrees_with_line_index() {
        let t = "a🎉b\r\n王\rx\n";
        let rope = Rope::from_str(t);
        let li = LineIndex::new(t);
        for line in 0..5 {
            for col in 0..6 {
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    let b = li.offset(t, p(line, col), enc);
                    let c = rope_offset(&rope, p(line, col), enc);
                    assert_eq!(rope.char_to_byte(c), b, "line {line} col {col} {enc:?}");
                }
            }
        }
    }

    #[test]
    fn utf16_columns_match_std_on_long_mixed_and_ascii_lines() {
        let mixed = "Ryabkov “said” 王毅 🎉 Zoë — ".repeat(200);
        let ascii = "plain ascii words on one long line ".repeat(100);
        for text in [mixed.as_str(), ascii.as_str()] {
            let li = LineIndex::new(text);
            for (off, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let want = text[..off].encode_utf16().count() as u32;
                assert_eq!(li.position(text, off, Encoding::Utf16), p(0, want));
                assert_eq!(li.offset(text, p(0, want), Encoding::Utf16), off);
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(text in "(?s)[a-z🎉王“” \u{a0}\r\n]{0,40}", idx in 0usize..60) {
            let li = LineIndex::new(&text);
            let mut off = idx.min(text.len());
            while !text.is_char_boundary(off) { off -= 1; }
            // Offsets inside a CRLF pair are not addressable; skip them.
            prop_assume!(!(off > 0 && text.as_bytes()[off - 1] == b'\r' && text.as_bytes().get(off) == Some(&b'\n')));
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let pos = li.position(&text, off, enc);
                prop_assert_eq!(li.offset(&text, pos, enc), off);
            }
        }

        /// UTF-8 and UTF-16 positions of every offset name the same place, and the UTF-16
        /// column is the UTF-16 length of the line's prefix (emoji, CJK, curly quotes, CRLF).
        #[test]
        fn utf8_utf16_round_trip(
            text in prop::collection::vec(
                prop::sample::select(&["a", "Z", " ", "🎉", "👍🏽", "王", "毅", "“", "”", "’", "\u{a0}", "é", "\r\n", "\n", "\r"][..]),
                0..40,
            ).prop_map(|v| v.concat()),
        ) {
            let li = LineIndex::new(&text);
            let b = text.as_bytes();
            for off in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                if off > 0 && b[off - 1] == b'\r' && b.get(off) == Some(&b'\n') {
                    continue; // between the two bytes of a CRLF: not addressable
                }
                let p8 = li.position(&text, off, Encoding::Utf8);
                let p16 = li.position(&text, off, Encoding::Utf16);
                prop_assert_eq!(p8.line, p16.line);
                let line_start = off - p8.character as usize;
                prop_assert_eq!(
                    p16.character as usize,
                    text[line_start..off].encode_utf16().count()
                );
                prop_assert_eq!(li.offset(&text, p8, Encoding::Utf8), off);
                prop_assert_eq!(li.offset(&text, p16, Encoding::Utf16), off);
                // Through the rope (how edits to open documents are applied) too.
                let rope = Rope::from_str(&text);
                for (p, enc) in [(p8, Encoding::Utf8), (p16, Encoding::Utf16)] {
                    prop_assert_eq!(rope.char_to_byte(rope_offset(&rope, p, enc)), off);
                }
            }
        }

        /// The rope (open documents) and the line index (everything else) clamp any position
        /// to the same offset.
        #[test]
        fn rope_and_line_index_agree(
            text in "(?s)[a-z🎉王“” \u{a0}\r\n]{0,40}",
            line in 0u32..8,
            ch in 0u32..30,
        ) {
            let li = LineIndex::new(&text);
            let rope = Rope::from_str(&text);
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let pos = p(line, ch);
                prop_assert_eq!(rope.char_to_byte(rope_offset(&rope, pos, enc)), li.offset(&text, pos, enc));
            }
        }

        #[test]
        fn never_panics(text in "(?s).{0,30}", line in 0u32..10, ch in 0u32..50) {
            let li = LineIndex::new(&text);
            let rope = Rope::from_str(&text);
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let o = li.offset(&text, p(line, ch), enc);
                prop_assert!(text.is_char_boundary(o));
                let _ = rope_offset(&rope, p(line, ch), enc);
                let _ = li.position(&text, o + ch as usize, enc);
            }
        }
    }
}
