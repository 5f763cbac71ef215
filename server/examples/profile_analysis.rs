//! Profiling aid: analyse one generated article in a loop, for `perf record` / callgrind.
//! Run: `cargo run --release -p byline --example profile_analysis -- 2000 2000`
//! (words per article, iterations). Prints the mean time per analysis.

#[path = "../benches/support/synth.rs"]
mod synth;

use byline::analysis::{analyze, Context};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc; // as the binary

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let words = args.next().unwrap_or(2000);
    let iters = args.next().unwrap_or(2000);
    let ctx = Context::defaults();
    let text = synth::long_article(7, words);
    let t = Instant::now();
    let mut findings = 0;
    for _ in 0..iters {
        findings += analyze(&text, &ctx).findings.len();
    }
    let per = t.elapsed().as_secs_f64() * 1e3 / iters as f64;
    println!(
        "{words} words, {} bytes: {per:.3} ms per analysis ({findings} findings)",
        text.len()
    );
}
