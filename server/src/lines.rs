//! Line tables: byte offset → (line, column in UTF-8 or UTF-16 code units) **without the text**.
//!
//! The workspace keeps one `LineTable` per file instead of the text of every article it
//! indexed from disk, so a reference list spanning thousands of files converts its byte spans
//! with no text in memory. A table costs 4 bytes per line and 8 per non-ASCII character
//! (a 4 KB news article: about 600 bytes).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP spec says. Offsets past the end are
//! clamped to the end; offsets inside a line terminator to the end of that line's content.
//! Offsets are expected on character boundaries (analysis spans always are); any other offset
//! still gives a position on the same line, never a panic.

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// Set on a line start when the line before it ended with `\r\n` (two terminator bytes).
const CRLF: u32 = 1 << 31;
/// Texts this long or longer get a degenerate single-line table (files are capped far below).
const MAX_LEN: usize = (CRLF - 1) as usize;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineTable {
    /// Start offset of every line after the first, `CRLF` flag set when the previous line's
    /// terminator was `\r\n`. Line 0 starts at 0.
    starts: Box<[u32]>,
    len: u32,
    /// (end offset of a non-ASCII character, UTF-8 bytes minus UTF-16 units of the text up to
    /// that offset), in text order. Empty for ASCII texts.
    wide: Box<[(u32, u32)]>,
}

impl LineTable {
    pub fn new(text: &str) -> LineTable {
        if text.len() >= MAX_LEN {
            return LineTable {
                starts: Box::new([]),
                len: MAX_LEN as u32,
                wide: Box::new([]),
            };
        }
        let b = text.as_bytes();
        let mut starts = Vec::new();
        for i in memchr::memchr2_iter(b'\n', b'\r', b) {
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                continue; // the \n that follows ends this line
            }
            let crlf = b[i] == b'\n' && i > 0 && b[i - 1] == b'\r';
            starts.push((i + 1) as u32 | if crlf { CRLF } else { 0 });
        }
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut delta = 0u32;
            for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                delta += (c.len_utf8() - c.len_utf16()) as u32;
                wide.push(((i + c.len_utf8()) as u32, delta));
            }
        }
        LineTable {
            starts: starts.into_boxed_slice(),
            len: text.len() as u32,
            wide: wide.into_boxed_slice(),
        }
    }

    /// Number of lines (a text ending in a terminator has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len() + 1
    }

    /// Length of the text the table was built from.
    pub fn text_len(&self) -> usize {
        self.len as usize
    }

    fn start(&self, line: usize) -> u32 {
        if line == 0 {
            0
        } else {
            self.starts[line - 1] & !CRLF
        }
    }

    /// Byte range of line `line`'s content, without its terminator.
    fn content(&self, line: usize) -> (u32, u32) {
        let s = self.start(line);
        let e = match self.starts.get(line) {
            Some(&next) => (next & !CRLF) - if next & CRLF != 0 { 2 } else { 1 },
            None => self.len,
        };
        (s, e.max(s))
    }

    /// UTF-8 bytes minus UTF-16 units of the text before `offset`.
    fn delta(&self, offset: u32) -> u32 {
        match self.wide.partition_point(|w| w.0 <= offset) {
            0 => 0,
            i => self.wide[i - 1].1,
        }
    }

    /// Offset → (0-based line, column in `enc` units from the line start).
    pub fn position(&self, offset: usize, enc: Encoding) -> (u32, u32) {
        let off = offset.min(self.len as usize) as u32;
        let line = self.starts.partition_point(|&s| (s & !CRLF) <= off);
        let (s, e) = self.content(line);
        let off = off.clamp(s, e);
        let col = match enc {
            Encoding::Utf8 => off - s,
            Encoding::Utf16 if self.wide.is_empty() => off - s,
            Encoding::Utf16 => (off - s) - (self.delta(off) - self.delta(s)),
        };
        (line as u32, col)
    }

    /// `(position(start), position(end))`, with one line search when both ends are on one
    /// line (as mentions are; references convert thousands).
    pub fn span(&self, start: usize, end: usize, enc: Encoding) -> ((u32, u32), (u32, u32)) {
        let a = start.min(self.len as usize) as u32;
        let b = end.min(self.len as usize) as u32;
        let line = self.starts.partition_point(|&s| (s & !CRLF) <= a);
        let next = self.starts.get(line).map_or(u32::MAX, |&n| n & !CRLF);
        if b < a || b >= next {
            return (self.position(start, enc), self.position(end, enc));
        }
        let (s, e) = self.content(line);
        let (a, b) = (a.clamp(s, e), b.clamp(s, e));
        let (ca, cb) = match enc {
            Encoding::Utf16 if !self.wide.is_empty() => {
                let ds = self.delta(s);
                let i = self.wide.partition_point(|w| w.0 <= a);
                // The few wide characters inside the span.
                let j = i + self.wide[i..].iter().take_while(|w| w.0 <= b).count();
                let d = |k: usize| if k == 0 { 0 } else { self.wide[k - 1].1 };
                ((a - s) - (d(i) - ds), (b - s) - (d(j) - ds))
            }
            _ => (a - s, b - s),
        };
        ((line as u32, ca), (line as u32, cb))
    }

    /// Heap bytes held (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.starts.len() * 4 + self.wide.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The position of `off` computed from the text itself.
    fn reference(text: &str, off: usize, enc: Encoding) -> (u32, u32) {
        let b = text.as_bytes();
        let mut line = 0;
        let mut start = 0;
        let mut i = 0;
        while i < off.min(text.len()) {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    if i + 1 >= off {
                        break; // inside the terminator: end of this line's content
                    }
                    line += 1;
                    i += 2;
                    start = i;
                    continue;
                }
                b'\n' | b'\r' => {
                    line += 1;
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        let end = off.min(text.len());
        let mut content_end = end;
        // An offset inside "\r\n" clamps to before the "\r".
        if content_end > start
            && b.get(content_end - 1) == Some(&b'\r')
            && b.get(content_end) == Some(&b'\n')
        {
            content_end -= 1;
        }
        let seg = &text[start..content_end.max(start)];
        let col = match enc {
            Encoding::Utf8 => seg.len(),
            Encoding::Utf16 => seg.encode_utf16().count(),
        };
        (line, col as u32)
    }

    #[test]
    fn emoji_cjk_curly_quotes_crlf() {
        let t = "“Hi” 🎉 王毅\u{a0}said\r\nnext\rlast\n";
        let lt = LineTable::new(t);
        let said = t.find("said").unwrap();
        assert_eq!(
            lt.position(said, Encoding::Utf16),
            (0, 1 + 2 + 1 + 1 + 2 + 1 + 2 + 1)
        );
        assert_eq!(lt.position(said, Encoding::Utf8), (0, said as u32));
        assert_eq!(
            lt.position(t.find("next").unwrap(), Encoding::Utf16),
            (1, 0)
        );
        assert_eq!(
            lt.position(t.find("last").unwrap() + 2, Encoding::Utf16),
            (2, 2)
        );
        // Inside the \r\n: end of line 0's content.
        let cr = t.find('\r').unwrap();
        assert_eq!(lt.position(cr + 1, Encoding::Utf8), (0, cr as u32));
        // Past the end: the empty last line.
        assert_eq!(lt.position(t.len() + 10, Encoding::Utf16), (3, 0));
        assert_eq!(lt.line_count(), 4);
    }

    proptest! {
        #[test]
        fn agrees_with_the_text(
            text in prop::collection::vec(
                prop::sample::select(&["a", "Z", " ", "🎉", "王", "“", "”", "’", "\u{a0}", "é", "\r\n", "\n", "\r"][..]),
                0..40,
            ).prop_map(|v| v.concat()),
        ) {
            let lt = LineTable::new(&text);
            for off in (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    prop_assert_eq!(lt.position(off, enc), reference(&text, off, enc), "offset {} {:?}", off, enc);
                    for end in (off.saturating_sub(3)..off + 12).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
                        prop_assert_eq!(
                            lt.span(off, end, enc),
                            (reference(&text, off, enc), reference(&text, end, enc)),
                            "span {}..{} {:?}", off, end, enc
                        );
                    }
                }
            }
        }

        #[test]
        fn never_panics(text in "(?s).{0,30}", off in 0usize..200) {
            let lt = LineTable::new(&text);
            let _ = lt.position(off, Encoding::Utf16);
            let _ = lt.position(off, Encoding::Utf8);
        }
    }
}
