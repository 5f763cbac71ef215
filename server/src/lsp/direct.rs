//! Requests answered beside tower-lsp, for answers too big for its generic path.
//!
//! tower-lsp turns every answer into a `serde_json::Value` tree before writing it: for a
//! references answer with 26,000 locations that is four maps and nine strings per location,
//! about 50 MB and three times the time spent finding the mentions. Here the answer is
//! serialised straight from workspace data into the frame's bytes.
//!
//! How: the server's stdout is an [`Output`]. tower-lsp writes its frames into a
//! [`FrameWriter`], which cuts the byte stream at frame boundaries (`Content-Length`) and
//! queues whole frames; [`Direct`] queues its own frames on the same queue; one task writes
//! the queue to stdout. So frames never interleave, and each one is written once, whole.
//! A request taken here is answered with `None` to tower-lsp, which then writes nothing for it.
//!
//! Only requests that tower-lsp would route to the backend are taken: after `initialize`
//! was answered and before `shutdown`, with well-formed parameters. Everything else (errors
//! for requests before `initialize`, invalid parameters) stays tower-lsp's job.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::Deserialize as _;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::ls_types::ReferenceParams;

use super::backend::timed;
use super::features;
use super::server::State;

/// One queued frame: a header and a body, written back to back (a body may be empty when
/// the header part already holds a whole frame).
type Frame = (Vec<u8>, Vec<u8>);

/// The output queue: cloned by every producer of frames.
#[derive(Clone)]
pub struct Output(mpsc::UnboundedSender<Frame>);

impl Output {
    /// The queue, and the task writing it to `out` until every sender is gone or `out` fails.
    pub fn new<W>(mut out: W) -> (Output, tokio::task::JoinHandle<()>)
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (tx, mut rx) = mpsc::unbounded_channel::<Frame>();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut next = Some(first);
                // Write what is queued, then flush once.
                while let Some((head, body)) = next {
                    if out.write_all(&head).await.is_err() || out.write_all(&body).await.is_err() {
                        tracing::warn!("cannot write to the client; output stopped");
                        return;
                    }
                    next = rx.try_recv().ok();
                }
                if out.flush().await.is_err() {
                    tracing::warn!("cannot flush output to the client; output stopped");
                    return;
                }
            }
        });
        (Output(tx), task)
    }

    fn send(&self, frame: Frame) -> io::Result<()> {
        self.0
            .send(frame)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "output closed"))
    }

    /// A writer for tower-lsp's own frames.
    pub fn frame_writer(&self) -> FrameWriter {
        FrameWriter {
            out: self.clone(),
            pending: Vec::new(),
        }
    }

    /// Queue a JSON-RPC response whose result `write` writes as JSON.
    fn respond(&self, id: Id, result: std::result::Result<impl FnOnce(&mut Vec<u8>), Error>) {
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
        if self.send((head, body)).is_err() {
            tracing::warn!("output closed; an answer was dropped");
        }
    }
}

/// tower-lsp's stdout: cuts its byte stream into whole frames and queues them.
pub struct FrameWriter {
    out: Output,
    pending: Vec<u8>,
}

/// How much of `b` is one whole frame, if it holds one.
enum Cut {
    Frame(usize),
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
        Some(n) if b.len() >= end + n => Cut::Frame(end + n),
        Some(_) => Cut::Incomplete,
        None => Cut::Garbled(end),
    }
}

impl AsyncWrite for FrameWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.pending.extend_from_slice(buf);
        // Queue each whole frame (one copy each), then drop them from `pending` at once.
        let mut done = 0;
        while done < this.pending.len() {
            let n = match cut(&this.pending[done..]) {
                Cut::Incomplete => break,
                Cut::Frame(n) => n,
                Cut::Garbled(n) => {
                    tracing::error!("output frame without Content-Length; passed on as is");
                    n
                }
            };
            let frame = this.pending[done..done + n].to_vec();
            done += n;
            if let Err(e) = this.out.send((frame, Vec::new())) {
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

pub type Answer = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Takes the requests answered here.
pub struct Direct {
    st: Arc<State>,
    out: Output,
}

impl Direct {
    pub fn new(st: Arc<State>, out: Output) -> Self {
        Direct { st, out }
    }

    /// The request back if it is not taken here, else the future that answers it.
    pub fn take(&self, req: Request) -> std::result::Result<Answer, Request> {
        if req.method() != "textDocument/references"
            || req.id().is_none()
            || !self.st.initialized.load(Ordering::SeqCst)
            || self.st.shutting_down.load(Ordering::SeqCst)
        {
            return Err(req);
        }
        let Some(Ok(params)) = req.params().map(ReferenceParams::deserialize) else {
            return Err(req); // tower-lsp answers "invalid params"
        };
        let (_, id, _) = req.into_parts();
        let id = id.unwrap_or(Id::Null);
        let (st, out) = (self.st.clone(), self.out.clone());
        Ok(Box::pin(async move {
            timed("references", async {
                // The time to find and group the mentions, apart from writing them.
                let answer = timed("references.find", features::references(&st, params)).await;
                out.respond(
                    id,
                    answer.map(|refs| {
                        move |json: &mut Vec<u8>| match refs {
                            Some(refs) => refs.write_json(json),
                            None => json.extend_from_slice(b"null"),
                        }
                    }),
                );
            })
            .await
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_whole_frames_only() {
        assert!(matches!(
            cut(b"Content-Length: 2\r\n\r\n{}"),
            Cut::Frame(23)
        ));
        assert!(matches!(
            cut(b"Content-Length: 2\r\n\r\n{}Cont"),
            Cut::Frame(23)
        ));
        assert!(matches!(
            cut(b"Content-Length: 5\r\n\r\n{}"),
            Cut::Incomplete
        ));
        assert!(matches!(cut(b"Content-Len"), Cut::Incomplete));
        assert!(matches!(
            cut(b"content-length:2\r\nContent-Type: x\r\n\r\n{}"),
            Cut::Frame(39)
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
        out.respond(Id::Number(1), Ok(|j: &mut Vec<u8>| j.extend(b"[1,2,3]")));
        fw.write_all(&a[10..]).await.unwrap();
        fw.write_all(&[&b[..], &b[..]].concat()).await.unwrap(); // two frames in one write
        out.respond(
            Id::Number(2),
            Err::<fn(&mut Vec<u8>), _>(Error::internal_error()),
        );
        drop((fw, out));
        task.await.unwrap();
        let mut got = String::new();
        let mut reader = reader;
        tokio::io::AsyncReadExt::read_to_string(&mut reader, &mut got)
            .await
            .unwrap();
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
}
