//! Requests answered beside tower-lsp, for answers too big for its generic path.
//!
//! tower-lsp turns every answer into a `serde_json::Value` tree before writing it: for a
//! references answer with 26,000 locations that is four maps and nine strings per location,
//! about 50 MB and three times the time spent finding the mentions. Here the answer is
//! serialised straight from workspace data into the frame's bytes.
//!
//! How: the server's stdout is an [`Output`] (see `outbox`): tower-lsp's frames and the
//! answers [`Direct`] writes go through the same bounded queue, so frames never interleave.
//! A request taken here is answered with `None` to tower-lsp, which then writes nothing for it.
//!
//! Only requests that tower-lsp would route to the backend are taken: after `initialize`
//! was answered and before `shutdown`, with well-formed parameters. Everything else (errors
//! for requests before `initialize`, invalid parameters) stays tower-lsp's job.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Deserialize as _;
use tower_lsp_server::jsonrpc::{Id, Request};
use tower_lsp_server::ls_types::ReferenceParams;

use super::backend::timed;
use super::features;
use super::outbox::Output;
use super::server::State;

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
                )
                .await;
            })
            .await
        }))
    }
}
