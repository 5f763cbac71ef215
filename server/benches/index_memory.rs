//! Bench binary: index N generated articles once and report wall time, files/s and the
//! memory the index holds (RSS growth, from /proc/self/status) against the corpus size.
//! Run: `cargo bench -p byline --bench index_memory -- 10000` (default 10,000).

mod synth;

use std::time::Instant;

use byline::workspace::Workspace;

fn rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10000);
    let dir = std::env::temp_dir().join(format!("byline-bench-{n}"));
    if !dir.join(".complete").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        synth::write_corpus(&dir, 42, n);
        std::fs::write(dir.join(".complete"), b"").unwrap();
    }
    let bytes: u64 = walk_bytes(&dir);
    let before = rss_kib();
    let t = Instant::now();
    let ws = Workspace::new();
    ws.add_root(&dir);
    let report = ws.scan(&[dir.clone()], &|_, _| {});
    let secs = t.elapsed().as_secs_f64();
    let after = rss_kib();
    let grown = (after.saturating_sub(before)) * 1024;
    println!(
        "indexed {} articles ({:.1} MB) in {:.3} s ({:.0} files/s); index memory {:.1} MB = {:.2}x corpus; peak RSS {:.1} MB",
        report.files,
        bytes as f64 / 1e6,
        secs,
        report.files as f64 / secs,
        grown as f64 / 1e6,
        grown as f64 / bytes as f64,
        after as f64 * 1024.0 / 1e6
    );
    std::hint::black_box(&ws);
}

fn walk_bytes(d: &std::path::Path) -> u64 {
    let mut n = 0;
    for e in std::fs::read_dir(d).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += walk_bytes(&p);
        } else if p.extension().is_some_and(|x| x == "md") {
            n += e.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    n
}
