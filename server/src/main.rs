//! The `byline` binary: `byline lsp` (language server over stdio), `byline check`,
//! `byline index`. A user never sees a Rust panic message: panics are reported as a short
//! internal-error line and exit code 2 (the server catches them per request instead).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use byline::cli::{self, FailOn, Format};

/// mimalloc: cheaper small allocations and less fragmentation than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "byline",
    version,
    about = "Who officials are, where claims come from, which articles cover the same event.",
    long_about = None,
    arg_required_else_help = true
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdio (for editors).
    Lsp {
        /// Accepted for compatibility with clients that append it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Check articles for sourcing problems and exit non-zero when there are findings.
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when a finding of this severity or worse exists.
        #[arg(long, value_enum, default_value_t = FailOn::Warning)]
        fail_on: FailOn,
        /// Colour the human output (default: when stdout is a terminal).
        #[arg(long)]
        color: Option<bool>,
    },
    /// List every person and event cluster with all its mentions.
    Index {
        /// Files or folders (default: the current folder).
        paths: Vec<String>,
        #[arg(long, value_enum, default_value_t = IndexFormat::Json)]
        format: IndexFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum IndexFormat {
    Json,
}

fn paths_or_dot(p: Vec<String>) -> Vec<String> {
    if p.is_empty() {
        vec![".".to_string()]
    } else {
        p
    }
}

fn main() -> ExitCode {
    byline::memory::release_freed_memory_promptly();
    std::panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "byline: internal error{loc}: {msg}. Please report this with the input that caused it."
        );
    }));
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match args.command {
        Command::Lsp { stdio: _ } => ExitCode::from(byline::lsp::run_stdio()),
        Command::Check {
            paths,
            format,
            fail_on,
            color,
        } => {
            let color = color.unwrap_or_else(|| std::io::stdout().is_terminal());
            match cli::check(&paths_or_dot(paths), format, fail_on, color) {
                Ok(code) => ExitCode::from(code as u8),
                Err(e) => {
                    eprintln!("byline: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Index { paths, format: _ } => match cli::load(&paths_or_dot(paths)) {
            Ok(loaded) => {
                for (p, why) in &loaded.skipped {
                    eprintln!("byline: skipped {}: {why}", loaded.display(p));
                }
                let v = cli::index::index_json(&loaded);
                let s = serde_json::to_string_pretty(&v).unwrap_or_default();
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                match writeln!(out, "{s}") {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("byline: cannot write output: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            Err(e) => {
                eprintln!("byline: {e}");
                ExitCode::from(2)
            }
        },
    }
}
