//! Byline: a language server and command-line tool for people who write and edit news.
//!
//! Layers (dependencies point one way, `lsp`/`cli` → `workspace` → `analysis`):
//! - [`analysis`]: pure text analysis of one article (byte ranges, no I/O, no protocol).
//! - [`config`]: `byline.toml` settings and knowledge base, with exact error ranges.
//! - [`lines`]: line tables, byte offset → line and UTF-8/UTF-16 column without the text.
//! - [`workspace`]: all files, their analyses and the cross-file index; incremental per file.
//! - [`lsp`]: the language server (the only module that speaks LSP), plus the conversion of
//!   workspace answers to protocol objects that `cli` reuses for its JSON contract.
//! - [`cli`]: `byline check` and `byline index`.
//! - [`memory`]: allocator settings of the binary and the benches.
//! - [`fuzzing`]: the fuzz targets' bodies (`server/fuzz`), replayed on stable by the tests.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod fuzzing;
pub mod lines;
pub mod lsp;
pub mod memory;
pub mod workspace;
