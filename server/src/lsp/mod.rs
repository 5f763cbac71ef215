//! The language server: the only module that speaks LSP. Capabilities, URIs, position
//! encodings, progress, debouncing, and turning workspace answers into protocol objects.
//!
//! Invariants: text changes are applied synchronously, in arrival order, before any `.await`;
//! analysis runs on `spawn_blocking`; no client round trip per change; a panic in a request
//! handler becomes an internal-error response and the server keeps serving; stdout belongs to
//! the protocol (logs go to stderr and `window/logMessage`).

pub mod backend;
pub mod convert;
pub mod direct;
pub mod features;
pub mod framing;
pub mod outbox;
pub mod position;
pub mod server;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::Arc;

use futures::FutureExt;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::Notify;
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{LspService, Server};

/// Wraps the LSP service: a panic while handling one message is logged with the method and
/// answered with an internal error (for requests); the server keeps serving. It also signals
/// `exit` so the process can end even if a handler is stuck waiting on the client, and hands
/// the requests `direct` answers to it.
pub struct CatchPanic<S> {
    pub inner: S,
    pub exit: Arc<Notify>,
    pub direct: direct::Direct,
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        if method == "exit" {
            self.exit.notify_one();
        }
        let req = match self.direct.take(req) {
            Ok(answer) => return catch_panic(method, id, answer.map(|()| Ok(None))),
            Err(req) => req,
        };
        let fut = match std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(f) => f,
            Err(_) => {
                tracing::error!("panic while dispatching {method}");
                return Box::pin(async move {
                    Ok(id.map(|id| Response::from_error(id, Error::internal_error())))
                });
            }
        };
        catch_panic(method, id, fut)
    }
}

/// `fut`, with a panic turned into an internal-error response to request `id`.
fn catch_panic<E: Send + 'static>(
    method: String,
    id: Option<Id>,
    fut: impl Future<Output = Result<Option<Response>, E>> + Send + 'static,
) -> Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>> {
    Box::pin(async move {
        match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(r) => r,
            Err(p) => {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("panic while handling {method}: {msg}");
                let mut e = Error::internal_error();
                e.message = format!("internal error while handling {method}: {msg}").into();
                Ok(id.map(|id| Response::from_error(id, e)))
            }
        }
    })
}

/// Stdin wrapper that signals end of input.
struct EofSignal<R> {
    inner: R,
    eof: Arc<Notify>,
}

impl<R: AsyncRead + Unpin> AsyncRead for EofSignal<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(res) = &r {
            if res.is_err() || buf.filled().len() == before {
                self.eof.notify_one();
            }
        }
        r
    }
}

#[cfg(feature = "fault-injection")]
impl backend::Backend {
    /// Test-only: a request that panics, to prove the server survives handler panics.
    async fn fault_panic(
        &self,
        _params: serde_json::Value,
    ) -> tower_lsp_server::jsonrpc::Result<serde_json::Value> {
        panic!("deliberate fault injected by byline/testPanic");
    }
}

/// Run the server on stdin/stdout until the client exits or stdin closes. Returns the exit
/// status: 0 when `shutdown` came first, 1 otherwise (`exit` without `shutdown`, or the input
/// ended without one), as the protocol says; 2 when the server cannot start.
pub fn run_stdio() -> u8 {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BYLINE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("byline lsp: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let shut_down = rt.block_on(async {
        let stdin = tokio::io::stdin();
        let stdout = tokio::io::stdout();
        let builder = LspService::build(backend::Backend::new)
            .custom_method(framing::INVALID_METHOD, backend::Backend::invalid_message);
        #[cfg(feature = "fault-injection")]
        let builder = builder.custom_method("byline/testPanic", backend::Backend::fault_panic);
        let (service, socket) = builder.finish();
        let state = service.inner().state.clone();
        let done = Arc::new(Notify::new());
        // One bounded queue for tower-lsp's frames and `direct`'s answers (see `outbox`).
        let (output, writer) = outbox::Output::new(stdout);
        // Our framing before tower-lsp sees the input (see `framing`); stdin is read only
        // while the output queue has room. The pipe between is small, so it holds few
        // requests when the output is full.
        let (proxy_in, proxy_out) = tokio::io::duplex(64 * 1024);
        let room = output.room();
        tokio::spawn(async move {
            framing::pump(stdin, proxy_in, || {
                let room = room.clone();
                async move { room.ready().await }
            })
            .await
        });
        let stdin = EofSignal {
            inner: proxy_out,
            eof: done.clone(),
        };
        let direct = direct::Direct::new(state.clone(), output.clone());
        let service = CatchPanic {
            inner: service,
            exit: done.clone(),
            direct,
        };
        let serve = Server::new(stdin, output.frame_writer(), socket).serve(service);
        drop(output);
        // Normally `serve` returns on `exit` or end of input. If a handler is stuck waiting
        // for a client that has gone, leave anyway shortly after.
        tokio::select! {
            _ = serve => {}
            _ = async {
                done.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            } => {
                tracing::warn!("leaving with unfinished handlers after exit/end of input");
            }
        }
        // Write what is queued (the writer ends once every frame producer is gone).
        if tokio::time::timeout(std::time::Duration::from_millis(500), writer)
            .await
            .is_err()
        {
            tracing::warn!("output not fully written at exit");
        }
        state
            .shutting_down
            .load(std::sync::atomic::Ordering::SeqCst)
    });
    // Stdin closed or `exit` received: leave without waiting for blocking tasks.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    if shut_down {
        0
    } else {
        tracing::warn!("exit without shutdown (or input ended without one): exit status 1");
        1
    }
}
