//! The output side of the protocol: one bounded queue of whole frames to stdout.
//!
//! Every frame for the client goes through one [`Output`]: tower-lsp's own frames through a
//! [`FrameWriter`] (its stdout, cut at frame boundaries), `direct`'s answers through
//! [`Output::respond`]. One task writes the queue to stdout, so frames never interleave and
//! each is written once, whole.
//!
//! # Contract
//!
//! * Bounded by bytes: a frame is accepted while fewer than `limit` bytes are queued or being
//!   written (so at most `limit` plus one frame are held). When full, [`FrameWriter`]'s
//!   `poll_write` is pending (tower-lsp stops sending, its handlers wait for it, and it stops
//!   reading its input) and [`Output::respond`] waits; [`Room::ready`] (awaited by the input
//!   pump before each read of stdin) waits too, so a client that stops reading gets
//!   back-pressure on its writes, not a server that buffers without end.
//! * A `textDocument/publishDiagnostics` for a document that already has one queued (not yet
//!   being written) replaces it: the old one is dropped, the new one goes to the end.
//! * Order is otherwise kept. The writer flushes whenever the queue runs empty, and ends
//!   when every [`Output`] (and [`FrameWriter`]) is gone and the queue is written, or when
//!   stdout fails (then producers get `BrokenPipe` and nobody waits for room any more).

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use serde::Deserialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Error, Id, Response};

/// Bytes queued for the client before producers wait (a large references answer is ~3 MB).
pub const LIMIT: usize = 8 * 1024 * 1024;

struct Item {
    seq: u64,
    head: Vec<u8>,
    body: Vec<u8>,
    /// The document, for a `publishDiagnostics` notification.
    diagnostics_of: Option<String>,
}

impl Item {
    fn size(&self) -> usize {
        self.head.len() + self.body.len()
    }
}

struct Queue {
    items: VecDeque<Item>,
    /// Bytes queued or being written.
    bytes: usize,
    limit: usize,
    next_seq: u64,
    /// The queued `publishDiagnostics` per document, by `seq`.
    diagnostics: HashMap<String, u64>,
    producers: usize,
    failed: bool,
    writer: Option<Waker>,
    room: Vec<Waker>,
}

impl Queue {
    fn wake_room(&mut self) {
        for w in self.room.drain(..) {
            w.wake();
        }
    }
}

struct Shared(Mutex<Queue>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut q = self.lock();
        if q.failed {
            return Poll::Ready(Err(closed()));
        }
        if q.bytes < q.limit {
            return Poll::Ready(Ok(()));
        }
        if !q.room.iter().any(|w| w.will_wake(cx.waker())) {
            q.room.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "output closed")
}

/// The document of a `textDocument/publishDiagnostics` frame body.
fn diagnostics_of(body: &[u8]) -> Option<String> {
    const METHOD: &[u8] = b"\"textDocument/publishDiagnostics\"";
    memchr::memmem::find(&body[..body.len().min(256)], METHOD)?;
    #[derive(Deserialize)]
    struct Note {
        method: String,
        params: Params,
    }
    #[derive(Deserialize)]
    struct Params {
        uri: String,
    }
    let n: Note = serde_json::from_slice(body).ok()?;
    (n.method == "textDocument/publishDiagnostics").then_some(n.params.uri)
}

/// A producer of frames (cloned by each); see the module's contract.
pub struct Output(Arc<Shared>);

impl Clone for Output {
    fn clone(&self) -> Self {
        self.0.lock().producers += 1;
        Output(self.0.clone())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.producers -= 1;
        if q.producers == 0 {
            if let Some(w) = q.writer.take() {
                w.wake();
            }
        }
    }
}

/// Waits for room in the output queue without being a producer (the input pump).
#[derive(Clone)]
pub struct Room(Arc<Shared>);

impl Room {
    /// Until the queue has room (or the output has failed: then nothing is waited for).
    pub async fn ready(&self) {
        let _ = poll_fn(|cx| self.0.poll_room(cx)).await;
    }
}

impl Output {
    /// The queue (bounded by [`LIMIT`]) and the task writing it to `out`.
    pub fn new<W>(out: W) -> (Output, tokio::task::JoinHandle<()>)
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        Self::with_limit(out, LIMIT)
    }

    pub fn with_limit<W>(mut out: W, limit: usize) -> (Output, tokio::task::JoinHandle<()>)
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let shared = Arc::new(Shared(Mutex::new(Queue {
            items: VecDeque::new(),
            bytes: 0,
            limit,
            next_seq: 0,
            diagnostics: HashMap::new(),
            producers: 1,
            failed: false,
            writer: None,
            room: Vec::new(),
        })));
        let sh = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let next = poll_fn(|cx| {
                    let mut q = sh.lock();
                    if let Some(item) = q.items.pop_front() {
                        if let Some(uri) = &item.diagnostics_of {
                            if q.diagnostics.get(uri) == Some(&item.seq) {
                                q.diagnostics.remove(uri);
                            }
                        }
                        return Poll::Ready(Some(item));
                    }
                    if q.producers == 0 {
                        return Poll::Ready(None);
                    }
                    q.writer = Some(cx.waker().clone());
                    Poll::Pending
                })
                .await;
                let Some(item) = next else {
                    let _ = out.flush().await;
                    return;
                };
                let ok = out.write_all(&item.head).await.is_ok()
                    && out.write_all(&item.body).await.is_ok();
                let empty = {
                    let mut q = sh.lock();
                    q.bytes -= item.size();
                    if !ok {
                        q.failed = true;
                    }
                    if q.bytes < q.limit || !ok {
                        q.wake_room();
                    }
                    q.items.is_empty()
                };
                drop(item);
                if !ok {
                    tracing::warn!("cannot write to the client; output stopped");
                    return;
                }
                if empty && out.flush().await.is_err() {
                    tracing::warn!("cannot flush output to the client; output stopped");
                    sh.lock().failed = true;
                    sh.lock().wake_room();
                    return;
                }
            }
        });
        (Output(shared), task)
    }

    /// Queue a frame now, room or not (callers wait for room first).
    fn push(&self, head: Vec<u8>, body: Vec<u8>, diagnostics: Option<String>) -> io::Result<()> {
        let mut q = self.0.lock();
        if q.failed {
            return Err(closed());
        }
        let seq = q.next_seq;
        q.next_seq += 1;
        if let Some(uri) = &diagnostics {
            if let Some(old) = q.diagnostics.insert(uri.clone(), seq) {
                if let Ok(i) = q.items.binary_search_by_key(&old, |it| it.seq) {
                    if let Some(it) = q.items.remove(i) {
                        q.bytes -= it.size();
                    }
                }
            }
        }
        let item = Item {
            seq,
            head,
            body,
            diagnostics_of: diagnostics,
        };
        q.bytes += item.size();
        q.items.push_back(item);
        if let Some(w) = q.writer.take() {
            w.wake();
        }
        Ok(())
    }

    /// Wait for room, then queue a frame (header and body, written back to back).
    pub async fn send(&self, head: Vec<u8>, body: Vec<u8>) -> io::Result<()> {
        poll_fn(|cx| self.0.poll_room(cx)).await?;
        let diagnostics = diagnostics_of(&body);
        self.push(head, body, diagnostics)
    }

    /// A handle that waits for room (see [`Room`]).
    pub fn room(&self) -> Room {
        Room(self.0.clone())
    }

    /// A writer for tower-lsp's own frames.
    pub fn frame_writer(&self) -> FrameWriter {
        FrameWriter {
            out: self.clone(),
            pending: Vec::new(),
        }
    }

    /// Queue a JSON-RPC response whose result `write` writes as JSON (waits for room).
    pub async fn respond(
        &self,
        id: Id,
        result: std::result::Result<impl FnOnce(&mut Vec<u8>), Error>,
    ) {
        let body = match result {
            Ok(write) => {
                let mut body = br#"{"jsonrpc":"2.0","result":"#.to_vec();
                write(&mut body);
                body.extend_from_slice(br#","id":"#);
                // Cannot fail: an id is a number, a string or null.
                let _ = serde_json::to_writer(&mut body, &id);
                body.push(b'}');
                body
            }
            Err(e) => serde_json::to_vec(&Response::from_error(id, e)).unwrap_or_default(),
        };
        let head = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        if self.send(head, body).await.is_err() {
            tracing::warn!("output closed; an answer was dropped");
        }
    }
}

/// tower-lsp's stdout: cuts its byte stream into whole frames and queues them; pending
/// while the queue is full.
pub struct FrameWriter {
    out: Output,
    pending: Vec<u8>,
}

/// How much of `b` is one whole frame, if it holds one.
enum Cut {
    /// The frame's length, and where its body starts.
    Frame(usize, usize),
    Incomplete,
    /// A header without a usable `Content-Length` (never written by tower-lsp).
    Garbled(usize),
}

fn cut(b: &[u8]) -> Cut {
    let Some(end) = memchr::memmem::find(b, b"\r\n\r\n").map(|i| i + 4) else {
        return Cut::Incomplete;
    };
    let len = std::str::from_utf8(&b[..end]).ok().and_then(|head| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
    });
    match len {
        Some(n) if b.len() >= end + n => Cut::Frame(end + n, end),
        Some(_) => Cut::Incomplete,
        None => Cut::Garbled(end),
    }
}

impl AsyncWrite for FrameWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.out.0.poll_room(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        this.pending.extend_from_slice(buf);
        // Queue each whole frame (one copy each), then drop them from `pending` at once.
        let mut done = 0;
        while done < this.pending.len() {
            let (n, body) = match cut(&this.pending[done..]) {
                Cut::Incomplete => break,
                Cut::Frame(n, body) => (n, body),
                Cut::Garbled(n) => {
                    tracing::error!("output frame without Content-Length; passed on as is");
                    (n, n)
                }
            };
            let frame = this.pending[done..done + n].to_vec();
            let diagnostics = diagnostics_of(&frame[body..]);
            done += n;
            if let Err(e) = this.out.push(frame, Vec::new(), diagnostics) {
                this.pending.clear();
                return Poll::Ready(Err(e));
            }
        }
        this.pending.drain(..done);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::AsyncReadExt;

    #[test]
    fn cuts_whole_frames_only() {
        assert!(matches!(
            cut(b"Content-Length: 2\r\n\r\n{}"),
            Cut::Frame(23, 21)
        ));
        assert!(matches!(
            cut(b"Content-Length: 2\r\n\r\n{}Cont"),
            Cut::Frame(23, 21)
        ));
        assert!(matches!(
            cut(b"Content-Length: 5\r\n\r\n{}"),
            Cut::Incomplete
        ));
        assert!(matches!(cut(b"Content-Len"), Cut::Incomplete));
        assert!(matches!(
            cut(b"content-length:2\r\nContent-Type: x\r\n\r\n{}"),
            Cut::Frame(39, 37)
        ));
        assert!(matches!(cut(b"X: 1\r\n\r\n{}"), Cut::Garbled(8)));
    }

    /// Frames written in arbitrary pieces come out whole and in order, with direct answers
    /// only between them.
    #[tokio::test]
    async fn frames_are_never_interleaved() {
        let (reader, writer) = tokio::io::duplex(1 << 16);
        let (out, task) = Output::new(writer);
        let mut fw = out.frame_writer();
        let a = b"Content-Length: 7\r\n\r\n{\"a\":1}";
        let b = b"Content-Length: 7\r\n\r\n{\"b\":2}";
        fw.write_all(&a[..10]).await.unwrap();
        out.respond(Id::Number(1), Ok(|j: &mut Vec<u8>| j.extend(b"[1,2,3]")))
            .await;
        fw.write_all(&a[10..]).await.unwrap();
        fw.write_all(&[&b[..], &b[..]].concat()).await.unwrap(); // two frames in one write
        out.respond(
            Id::Number(2),
            Err::<fn(&mut Vec<u8>), _>(Error::internal_error()),
        )
        .await;
        drop((fw, out));
        task.await.unwrap();
        let mut got = String::new();
        let mut reader = reader;
        reader.read_to_string(&mut got).await.unwrap();
        let direct1 = r#"{"jsonrpc":"2.0","result":[1,2,3],"id":1}"#;
        let b = std::str::from_utf8(b).unwrap();
        let direct2 = serde_json::to_string(&Response::from_error(
            Id::Number(2),
            Error::internal_error(),
        ))
        .unwrap();
        let want = format!(
            "Content-Length: {}\r\n\r\n{direct1}{}{b}{b}Content-Length: {}\r\n\r\n{direct2}",
            direct1.len(),
            std::str::from_utf8(a).unwrap(),
            direct2.len()
        );
        assert_eq!(got, want);
    }

    fn note(uri: &str, n: u32) -> Vec<u8> {
        let body = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{{"uri":"{uri}","diagnostics":[],"version":{n}}}}}"#
        );
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// With nobody reading, the queue fills to its limit and then writers wait (and the room
    /// for the input pump is closed); superseded diagnostics are replaced, not appended.
    #[tokio::test]
    async fn bounded_with_back_pressure_and_diagnostics_replaced() {
        // A 64-byte pipe nobody reads: the writer task blocks on its first frame.
        let (mut reader, writer) = tokio::io::duplex(64);
        let (out, task) = Output::with_limit(writer, 4096);
        let mut fw = out.frame_writer();
        let big = |i: usize| {
            let body = format!(
                r#"{{"jsonrpc":"2.0","id":{i},"result":"{}"}}"#,
                "x".repeat(900)
            );
            format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
        };
        let mut written = 0;
        for i in 0..20 {
            let frame = big(i);
            let w = tokio::time::timeout(Duration::from_millis(100), fw.write_all(&frame));
            if w.await.is_err() {
                break;
            }
            written += 1;
        }
        assert!(
            (4..=6).contains(&written),
            "accepted {written} frames of ~930 bytes"
        );
        let room = out.room();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), room.ready())
                .await
                .is_err(),
            "room for the input while full"
        );
        // Read everything: room opens, the blocked write completes.
        let drain = tokio::spawn(async move {
            let mut got = Vec::new();
            reader.read_to_end(&mut got).await.unwrap();
            got
        });
        room.ready().await;
        let mut fw2 = out.frame_writer();
        drop(fw);
        // Diagnostics for the same document queued back to back: only the last survives,
        // unless one was already being written.
        let n = 200;
        for v in 0..n {
            fw2.write_all(&note("file:///a.md", v)).await.unwrap();
            fw2.write_all(&note("file:///b.md", v)).await.unwrap();
        }
        drop((fw2, out));
        task.await.unwrap();
        let got = String::from_utf8(drain.await.unwrap()).unwrap();
        let a = got.matches("file:///a.md").count();
        assert!(
            a >= 1 && a < n as usize / 2,
            "{a} diagnostics for a.md written"
        );
        let last = format!(
            r#""uri":"file:///a.md","diagnostics":[],"version":{}}}"#,
            n - 1
        );
        assert!(got.contains(&last), "the newest diagnostics are written");
        assert!(got.ends_with(std::str::from_utf8(&note("file:///b.md", n - 1)).unwrap()));
    }
}
