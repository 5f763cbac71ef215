//! The input side of the protocol: our own `Content-Length` framing in front of tower-lsp.
//!
//! tower-lsp-server stops reading for good after one malformed frame, and trusts every
//! `Content-Length`: a length shorter than its body leaves the rest of the body to be read as
//! a header, a longer one swallows the next messages, and a header line is read until a line
//! break however long it is. So stdin goes through a [`Deframer`] first; [`pump`] passes on
//! only whole, re-framed messages (tower-lsp sees a clean stream) and turns everything else
//! into a `byline/invalidMessage` message, which the backend logs (a request, so the client
//! gets an error answer, when the bad bytes carried a readable id; a notification otherwise).
//!
//! # Contract of [`Deframer`]
//!
//! * Input: any bytes, in any pieces. Output: [`Event`]s, the same ones whatever the pieces
//!   (the events depend only on the bytes; `finish` ends the input).
//! * A frame is header lines (`Content-Length: N`, optionally `Content-Type: …`; `\r\n` or
//!   `\n` line ends, the name in any case), a blank line, and N bytes of body. Blank lines
//!   between frames are ignored.
//! * A body is given out as [`Event::Message`] when it has its N bytes and no header begins
//!   inside it. A header *line* (`Content-Length:`, digits, line break) can never occur inside
//!   valid JSON (a raw line break is not allowed inside a JSON string, and outside strings a
//!   name is followed by `"` before its `:`), so one inside a body proves the length was too
//!   long: the body is cut there and the stream resynchronises on that header.
//! * A body that is not valid JSON is held until the next line shows whether a header follows.
//!   If not, the length was wrong (too short, or too long by less than a header line): the
//!   body and what follows it, up to the next `Content-Length` header line, are one
//!   [`Event::Broken`] unit; so a miscounted request is given out whole and can be answered.
//! * Anything else that is not a frame (header lines that are not headers, a header line over
//!   [`MAX_HEADER_LINE`] bytes, a length over [`MAX_MESSAGE`], a header block without a
//!   length) is skipped up to the next `Content-Length` header line, as one `Broken` unit.
//! * Memory: the bytes held are at most the current body (≤ [`MAX_MESSAGE`]) plus one header
//!   line plus the last piece pushed; a `Broken` unit keeps at most [`KEEP_BROKEN`] bytes.
//! * Never panics; never waits for bytes that a correct client would not send after a
//!   complete message, except to decide on a body that is not valid JSON (the next line).

use std::collections::VecDeque;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest message accepted (a 2 GiB frame would otherwise be allocated on trust).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Longest header line accepted; real ones are about 20 bytes.
pub const MAX_HEADER_LINE: usize = 1024;

/// Bytes of a broken unit kept (to find a request id in it and to preview it in the log).
pub const KEEP_BROKEN: usize = 64 * 1024;

pub const INVALID_METHOD: &str = "byline/invalidMessage";

/// What the input held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A whole body, as long as its header said (not necessarily valid JSON-RPC).
    Message(Vec<u8>),
    /// Bytes that are not a whole frame: the first [`KEEP_BROKEN`] of them, their number,
    /// and why they are not a frame.
    Broken {
        head: Vec<u8>,
        len: usize,
        reason: String,
    },
}

#[derive(Debug)]
enum State {
    /// At the start of a frame or inside its header block (`seen` bytes of it so far).
    Header { len: Option<usize>, seen: usize },
    /// Reading `len` bytes of body; `scanned` of them were searched for a header line.
    Body { len: usize, scanned: usize },
    /// `buf[..len]` is a body that is not valid JSON; deciding whether a header follows.
    Suspect { len: usize, declared: usize },
    /// Skipping bytes up to the next header line (the skipped bytes form `broken`).
    Skip,
}

/// Splits an input byte stream into messages; see the module's contract.
#[derive(Debug)]
pub struct Deframer {
    buf: Vec<u8>,
    state: State,
    events: VecDeque<Event>,
    /// The broken unit being skipped: kept head, total length, reason.
    broken: Option<(Vec<u8>, usize, String)>,
}

impl Default for Deframer {
    fn default() -> Self {
        Deframer {
            buf: Vec::new(),
            state: State::Header { len: None, seen: 0 },
            events: VecDeque::new(),
            broken: None,
        }
    }
}

/// `Content-Length:[ \t]*digits[ \t]*\r?` — the whole of `line` (without its `\n`) — and the
/// length if it is at most [`MAX_MESSAGE`].
fn length_line(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    if line.len() < NAME.len() || !line[..NAME.len()].eq_ignore_ascii_case(NAME) {
        return None;
    }
    let v = std::str::from_utf8(&line[NAME.len()..]).ok()?;
    let v = v.strip_suffix('\r').unwrap_or(v).trim_matches([' ', '\t']);
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<usize>().ok().filter(|n| *n <= MAX_MESSAGE)
}

/// The start of a `Content-Length` header line that ends with the `\n` at `buf[nl]`, if
/// there is one (it may start in the middle of a line of other bytes). Constant time: parsed
/// backwards from the line break.
fn header_line_ending_at(buf: &[u8], nl: usize) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    let mut j = nl;
    let back = |j: &mut usize, pred: &dyn Fn(u8) -> bool| {
        let from = *j;
        while *j > 0 && pred(buf[*j - 1]) {
            *j -= 1;
        }
        from - *j
    };
    back(&mut j, &|b| b == b'\r');
    back(&mut j, &|b| b == b' ' || b == b'\t');
    if back(&mut j, &|b| b.is_ascii_digit()) == 0 {
        return None;
    }
    back(&mut j, &|b| b == b' ' || b == b'\t');
    let start = j.checked_sub(NAME.len())?;
    let ok = buf[start..j].eq_ignore_ascii_case(NAME)
        && nl - start <= MAX_HEADER_LINE
        && length_line(&buf[start..nl]).is_some();
    ok.then_some(start)
}

/// The first `Content-Length` header line in `buf` from `from` on: `Ok(start)`, or
/// `Err(keep)`: none complete, and bytes from `keep` on may still begin one.
fn find_header_line(buf: &[u8], from: usize) -> Result<usize, usize> {
    let mut at = from;
    while let Some(nl) = memchr::memchr(b'\n', &buf[at..]).map(|i| at + i) {
        if let Some(s) = header_line_ending_at(buf, nl).filter(|s| *s >= from) {
            return Ok(s);
        }
        at = nl + 1;
    }
    // No complete header line: one may start in the last MAX_HEADER_LINE bytes.
    Err(buf.len().saturating_sub(MAX_HEADER_LINE).max(at).max(from))
}

fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

impl Deframer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes held (for the memory bound).
    pub fn buffered(&self) -> usize {
        self.buf.len() + self.broken.as_ref().map_or(0, |b| b.0.len())
    }

    /// The declared length of the body being read or decided on, if any (for the memory
    /// bound: see the module's contract).
    pub fn body_len(&self) -> Option<usize> {
        match self.state {
            State::Body { len, .. } | State::Suspect { len, .. } => Some(len),
            _ => None,
        }
    }

    /// Add input.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.run(false);
    }

    /// The input has ended: whatever is held becomes a last event.
    pub fn finish(&mut self) {
        self.run(true);
        let rest = std::mem::take(&mut self.buf);
        let why = match self.state {
            State::Header { len: None, seen: 0 } if rest.iter().all(u8::is_ascii_whitespace) => {
                None
            }
            State::Header { .. } => Some("input ended inside a header".to_string()),
            State::Body { len, .. } => Some(format!(
                "input ended {} bytes into a {len}-byte body",
                rest.len()
            )),
            // `run` consumed everything in these states.
            State::Suspect { .. } | State::Skip => None,
        };
        if let Some(why) = why {
            self.start_broken(why);
            self.skip(&rest);
            if let Some((head, len, reason)) = self.broken.take() {
                self.events.push_back(Event::Broken { head, len, reason });
            }
        }
        self.end_broken();
        self.state = State::Header { len: None, seen: 0 };
    }

    /// The next event, if any.
    pub fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn start_broken(&mut self, reason: String) {
        if self.broken.is_none() {
            self.broken = Some((Vec::new(), 0, reason));
        }
    }

    /// Count `bytes` into the broken unit (started if need be).
    fn skip(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.start_broken("bytes that are not a frame".to_string());
        if let Some((head, len, _)) = &mut self.broken {
            let room = KEEP_BROKEN.saturating_sub(head.len()).min(bytes.len());
            head.extend_from_slice(&bytes[..room]);
            *len += bytes.len();
        }
    }

    /// Count header bytes already consumed into the broken unit (not kept: the unit's head
    /// is then no longer the whole of it).
    fn skipped_unkept(&mut self, n: usize) {
        if let Some((_, len, _)) = &mut self.broken {
            *len += n;
        }
    }

    fn end_broken(&mut self) {
        if let Some((head, len, reason)) = self.broken.take() {
            if len > 0 {
                self.events.push_back(Event::Broken { head, len, reason });
            }
        }
    }

    /// Drop `n` bytes from the front of the buffer.
    fn consume(&mut self, n: usize) -> Vec<u8> {
        self.buf.drain(..n).collect()
    }

    fn start_skip(&mut self, reason: String) {
        self.start_broken(reason);
        self.state = State::Skip;
    }

    /// Advance as far as the bytes held allow (`eof`: no more will come).
    fn run(&mut self, eof: bool) {
        loop {
            match self.state {
                State::Header { len, seen } => {
                    let window = &self.buf[..self.buf.len().min(MAX_HEADER_LINE + 1)];
                    let Some(nl) = memchr::memchr(b'\n', window) else {
                        if self.buf.len() > MAX_HEADER_LINE {
                            self.start_skip(format!("a header line over {MAX_HEADER_LINE} bytes"));
                            self.skipped_unkept(seen);
                            continue;
                        }
                        return;
                    };
                    let line = &self.buf[..nl];
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.is_empty() {
                        self.consume(nl + 1);
                        match len {
                            Some(n) => self.state = State::Body { len: n, scanned: 0 },
                            None if seen == 0 => {} // a blank line between frames
                            None => {
                                self.start_skip("a header without Content-Length".into());
                                self.skipped_unkept(seen + nl + 1);
                            }
                        }
                    } else if let Some(s) = header_line_ending_at(&self.buf, nl).filter(|s| *s > 0)
                    {
                        // Other bytes, then a header line (a frame after junk on one line).
                        self.start_skip(format!("{s} bytes that are not a header"));
                        self.skipped_unkept(seen);
                    } else if let Some(n) = length_line(line) {
                        self.consume(nl + 1);
                        self.state = State::Header {
                            len: Some(n),
                            seen: seen + nl + 1,
                        };
                    } else if line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"content-type:")
                    {
                        self.consume(nl + 1);
                        self.state = State::Header {
                            len,
                            seen: seen + nl + 1,
                        };
                    } else {
                        // Not a header; a header line may still start inside it.
                        let reason = match len {
                            Some(n) => {
                                format!("a line that is not a header after Content-Length {n}")
                            }
                            None if line.len() > 15
                                && line[..15].eq_ignore_ascii_case(b"content-length:") =>
                            {
                                format!("a Content-Length that is not a number up to {MAX_MESSAGE}")
                            }
                            None => "bytes that are not a header".to_string(),
                        };
                        self.start_skip(reason);
                        self.skipped_unkept(seen);
                    }
                }
                State::Body { len, scanned } => {
                    let have = self.buf.len().min(len);
                    // A header line inside the body: the length was too long.
                    let mut at = scanned;
                    while let Some(nl) = memchr::memchr(b'\n', &self.buf[at..have]).map(|i| at + i)
                    {
                        if let Some(s) = header_line_ending_at(&self.buf, nl) {
                            self.start_broken(format!(
                                "Content-Length {len}, but a new message starts after {s} bytes"
                            ));
                            let cut = self.consume(s);
                            self.skip(&cut);
                            self.end_broken();
                            self.state = State::Header { len: None, seen: 0 };
                            break;
                        }
                        at = nl + 1;
                    }
                    if !matches!(self.state, State::Body { .. }) {
                        continue;
                    }
                    if have < len {
                        self.state = State::Body { len, scanned: have };
                        return;
                    }
                    if is_json(&self.buf[..len]) {
                        let body = self.consume(len);
                        self.events.push_back(Event::Message(body));
                        self.state = State::Header { len: None, seen: 0 };
                    } else {
                        self.state = State::Suspect { len, declared: len };
                    }
                }
                State::Suspect { len, declared } => {
                    let rest = &self.buf[len..];
                    let window = &rest[..rest.len().min(MAX_HEADER_LINE + 1)];
                    let nl = memchr::memchr(b'\n', window);
                    let next_line = nl.map(|nl| {
                        let l = &rest[..nl];
                        l.strip_suffix(b"\r").unwrap_or(l)
                    });
                    let decided = next_line.is_some() || rest.len() > MAX_HEADER_LINE || eof;
                    if !decided {
                        return;
                    }
                    // A header line that starts inside the body and ends on this line: the
                    // length was too long by less than a header line.
                    let straddles = nl
                        .and_then(|nl| header_line_ending_at(&self.buf, len + nl))
                        .is_some_and(|s| s < len);
                    let header_follows = !straddles
                        && match next_line {
                            Some(l) => {
                                l.is_empty()
                                    || length_line(l).is_some()
                                    || (l.len() >= 13
                                        && l[..13].eq_ignore_ascii_case(b"content-type:"))
                            }
                            None => rest.is_empty(),
                        };
                    if header_follows {
                        // A frame of its own that is not JSON; the pump reports it.
                        let body = self.consume(len);
                        self.events.push_back(Event::Message(body));
                        self.state = State::Header { len: None, seen: 0 };
                    } else {
                        self.start_skip(format!(
                            "Content-Length {declared} does not match the message that follows it"
                        ));
                    }
                }
                State::Skip => match find_header_line(&self.buf, 0) {
                    Ok(s) => {
                        let cut = self.consume(s);
                        self.skip(&cut);
                        self.end_broken();
                        self.state = State::Header { len: None, seen: 0 };
                    }
                    Err(keep) => {
                        let keep = if eof { self.buf.len() } else { keep };
                        let cut = self.consume(keep);
                        self.skip(&cut);
                        return;
                    }
                },
            }
        }
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The `byline/invalidMessage` frame for bytes that are not a message: a request carrying
/// the bytes' id when they are a JSON object with a usable id, a notification otherwise.
fn invalid(bytes: &[u8], whole: bool, reason: &str) -> Vec<u8> {
    let parsed: Option<Value> = if whole {
        serde_json::from_slice(bytes).ok()
    } else {
        None
    };
    let id = parsed
        .as_ref()
        .and_then(|v| v.get("id"))
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned();
    let cut = bytes.len().min(120);
    let preview: String = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    let mut msg = json!({"jsonrpc": "2.0", "method": INVALID_METHOD, "params": {"reason": reason, "preview": preview}});
    if let Some(id) = id {
        msg["id"] = id;
    }
    frame(msg.to_string().as_bytes())
}

/// Turn one received body into the bytes to pass on.
pub fn sanitize(body: &[u8]) -> Vec<u8> {
    let ok = serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok();
    if ok {
        return frame(body);
    }
    let reason = match serde_json::from_slice::<Value>(body) {
        Err(_) => "not valid JSON",
        Ok(Value::Object(_)) => "not a valid JSON-RPC 2.0 message",
        Ok(_) => "not a JSON-RPC object",
    };
    invalid(body, true, reason)
}

/// The bytes to pass on for one event.
pub fn pass_on(ev: &Event) -> Vec<u8> {
    match ev {
        Event::Message(body) => sanitize(body),
        Event::Broken { head, len, reason } => {
            tracing::warn!("skipped {len} bytes of input: {reason}");
            invalid(
                head,
                head.len() == *len,
                &format!("{reason} ({len} bytes skipped)"),
            )
        }
    }
}

/// Copy messages from `input` to `output` through a [`Deframer`], each passed on as
/// [`pass_on`] says. Before each read, waits for `room` (back-pressure: while the output to
/// the client is full, stdin is not read). Ends at end of input or when `output` fails.
pub async fn pump<R, W, F, Fut>(mut input: R, mut output: W, mut room: F)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut d = Deframer::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        room().await;
        let n = match input.read(&mut chunk).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!("cannot read the client's input: {e}");
                0
            }
        };
        if n == 0 {
            d.finish();
        } else {
            d.push(&chunk[..n]);
        }
        while let Some(ev) = d.next_event() {
            if output.write_all(&pass_on(&ev)).await.is_err() {
                return;
            }
        }
        if output.flush().await.is_err() || n == 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8]) -> Vec<Event> {
        let mut d = Deframer::new();
        d.push(input);
        d.finish();
        std::iter::from_fn(|| d.next_event()).collect()
    }

    /// The same events whatever the pieces: byte by byte, and in two pieces cut anywhere.
    fn events_checked(input: &[u8]) -> Vec<Event> {
        let whole = events(input);
        let mut d = Deframer::new();
        for b in input {
            d.push(std::slice::from_ref(b));
        }
        d.finish();
        let bytewise: Vec<Event> = std::iter::from_fn(|| d.next_event()).collect();
        assert_eq!(bytewise, whole, "byte by byte");
        for cut in 0..input.len() {
            let mut d = Deframer::new();
            d.push(&input[..cut]);
            d.push(&input[cut..]);
            d.finish();
            let two: Vec<Event> = std::iter::from_fn(|| d.next_event()).collect();
            assert_eq!(two, whole, "cut at {cut}");
        }
        whole
    }

    fn msg(b: &[u8]) -> Event {
        Event::Message(b.to_vec())
    }

    const A: &[u8] = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    const B: &[u8] = br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;

    #[test]
    fn whole_frames_in_any_pieces() {
        let input = [frame(A), b"\r\n".to_vec(), frame(B)].concat();
        assert_eq!(events_checked(&input), vec![msg(A), msg(B)]);
        let lf = [
            b"content-length:  ".to_vec(),
            A.len().to_string().into_bytes(),
            b"\nContent-Type: x\n\n".to_vec(),
            A.to_vec(),
        ]
        .concat();
        assert_eq!(events_checked(&lf), vec![msg(A)]);
    }

    fn broken(e: &Event) -> (&[u8], usize, &str) {
        match e {
            Event::Broken { head, len, reason } => (head, *len, reason),
            _ => panic!("not broken: {e:?}"),
        }
    }

    #[test]
    fn short_length_gives_the_whole_message_as_broken_and_resynchronises() {
        let input = [b"Content-Length: 5\r\n\r\n".to_vec(), B.to_vec(), frame(A)].concat();
        let ev = events_checked(&input);
        assert_eq!(ev.len(), 2, "{ev:?}");
        let (head, len, reason) = broken(&ev[0]);
        assert_eq!((head, len), (B, B.len()));
        assert!(reason.contains("Content-Length 5"), "{reason}");
        assert_eq!(ev[1], msg(A));
    }

    #[test]
    fn long_length_is_cut_at_the_next_header() {
        for extra in [1, 10, 17, 18, 19, 20, 21, 22, 30, 500] {
            let input = [
                format!("Content-Length: {}\r\n\r\n", B.len() + extra).into_bytes(),
                B.to_vec(),
                frame(A),
                frame(A),
            ]
            .concat();
            let ev = events_checked(&input);
            let (head, _, _) = broken(&ev[0]);
            assert_eq!(head, B, "extra {extra}: {ev:?}");
            assert_eq!(&ev[1..], &[msg(A), msg(A)], "extra {extra}");
        }
    }

    #[test]
    fn junk_and_long_header_lines_are_skipped_with_bounded_memory() {
        let mut junk = b"X-Junk: ".to_vec();
        junk.extend(std::iter::repeat_n(b'A', 10_000));
        let input = [junk.clone(), frame(A)].concat();
        let ev = events(&input);
        let (head, len, reason) = broken(&ev[0]);
        assert_eq!((head.len(), len), (junk.len(), junk.len()));
        assert!(reason.contains("header line over"), "{reason}");
        assert_eq!(ev[1], msg(A));
        // 10 MB without a line break, fed in pieces: memory stays bounded.
        let mut d = Deframer::new();
        for _ in 0..160 {
            d.push(&[b'B'; 64 * 1024]);
            assert!(d.buffered() <= KEEP_BROKEN + MAX_HEADER_LINE + 64 * 1024);
        }
        d.push(&frame(A));
        d.finish();
        let ev: Vec<Event> = std::iter::from_fn(|| d.next_event()).collect();
        assert_eq!(broken(&ev[0]).1, 160 * 64 * 1024);
        assert_eq!(ev[1], msg(A));
    }

    #[test]
    fn bad_headers_and_truncated_input() {
        for bad in [
            &b"Content-Length: x\r\n\r\n"[..],
            b"Content-Length: 99999999999999999999\r\n\r\n",
            b"Content-Type: a\r\n\r\n",
            b"Foo: 1\r\n\r\n",
        ] {
            let ev = events_checked(&[bad, &frame(A)[..]].concat());
            assert_eq!(ev.len(), 2, "{:?}: {ev:?}", String::from_utf8_lossy(bad));
            assert_eq!(ev[1], msg(A));
        }
        let ev = events_checked(b"Content-Length: 10\r\n\r\n{\"a\"");
        assert!(broken(&ev[0]).2.contains("input ended"), "{ev:?}");
        assert_eq!(events_checked(b"\r\n\n"), vec![]);
        // Not JSON, but a frame of its own: a message (reported as invalid by the pump).
        let ev = events_checked(&[&b"Content-Length: 9\r\n\r\n{garbage}"[..], &frame(A)].concat());
        assert_eq!(ev, vec![msg(b"{garbage}"), msg(A)]);
    }

    #[test]
    fn valid_messages_pass_unchanged() {
        assert_eq!(sanitize(A), frame(A));
        let b = br#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        assert_eq!(sanitize(b), frame(b));
    }

    #[test]
    fn garbage_becomes_invalid_message() {
        let out = String::from_utf8(sanitize(b"{garbage}")).unwrap();
        assert!(out.contains(INVALID_METHOD) && !out.contains("\"id\""));
        let out = String::from_utf8(sanitize(br#"{"id":7,"method":5}"#)).unwrap();
        assert!(out.contains(INVALID_METHOD) && out.contains("\"id\":7"));
        let out = String::from_utf8(sanitize(&[0xff, 0xfe])).unwrap();
        assert!(out.contains("not valid JSON"));
        // A miscounted request keeps its id, so the client gets an answer.
        let ev = events(&[b"Content-Length: 5\r\n\r\n".to_vec(), B.to_vec(), frame(A)].concat());
        let out = String::from_utf8(pass_on(&ev[0])).unwrap();
        assert!(
            out.contains("\"id\":2") && out.contains("Content-Length 5"),
            "{out}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn pump_survives_bad_headers() {
        let input: &[u8] = b"Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n[]Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}";
        let mut out = Vec::new();
        pump(input, &mut out, || async {}).await;
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s.matches(INVALID_METHOD).count(), 2);
        assert!(s.ends_with("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}"));
    }
}
