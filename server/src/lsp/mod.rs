//! The language server: the only module that speaks LSP. Capabilities, URIs, position
//! encodings, progress, debouncing, and turning workspace answers into protocol objects.
//!
//! Invariants: text changes are applied synchronously, in arrival order, before any `.await`;
//! analysis runs on `spawn_blocking`; no client round trip per change; stdout belongs to the
//! protocol (logs go to stderr and `window/logMessage`).

pub mod convert;
pub mod position;

/// Run the server on stdin/stdout until the client exits or stdin closes.
pub fn run_stdio() {
    eprintln!("byline lsp: not yet implemented");
}
