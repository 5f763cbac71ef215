//! Bench binary: index N generated articles once and report wall time, files/s and the
//! memory the index holds (RSS growth, from /proc/self/status) against the corpus size.
//! Run: `cargo bench -p byline --bench index_memory -- 10000` (default 10,000).

#[path = "support/synth.rs"]
mod synth;

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes (over mimalloc, the binary's allocator), so "index memory" is what
/// the index holds, not allocator slack. One counter per thread slot (cache-line padded), so
/// counting does not make the indexing threads contend on one atomic.
struct Counting;

#[repr(align(64))]
struct Slot(AtomicIsize);

const SLOTS: usize = 16;
static LIVE_SLOTS: [Slot; SLOTS] = [const { Slot(AtomicIsize::new(0)) }; SLOTS];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MY_SLOT: usize = NEXT_SLOT.fetch_add(1, Ordering::Relaxed) % SLOTS;
}

fn count(delta: isize) {
    let slot = MY_SLOT.try_with(|s| *s).unwrap_or(0);
    LIVE_SLOTS[slot].0.fetch_add(delta, Ordering::Relaxed);
}

/// Live heap bytes now (the sum over the slots).
fn live_bytes() -> usize {
    LIVE_SLOTS
        .iter()
        .map(|s| s.0.load(Ordering::Relaxed))
        .sum::<isize>()
        .max(0) as usize
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { MiMalloc.alloc(l) };
        if !p.is_null() {
            count(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { MiMalloc.dealloc(p, l) };
        count(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { MiMalloc.realloc(p, l, new) };
        if !q.is_null() {
            count(new as isize - l.size() as isize);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    byline::memory::release_freed_memory_promptly(); // as the binary does
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10000);
    let dir = synth::cached_corpus(n);
    let bytes: u64 = walk_bytes(&dir);
    let before = rss_kib();
    let live_before = live_bytes();
    let t = Instant::now();
    let ws = Workspace::new();
    ws.set_compact_disk_files(true); // as the language server does
    ws.add_root(&dir);
    let report = ws.scan(std::slice::from_ref(&dir), &|_, _| {});
    let secs = t.elapsed().as_secs_f64();
    let after = rss_kib();
    let live = live_bytes().saturating_sub(live_before) as u64;
    let grown = (after.saturating_sub(before)) * 1024;
    println!(
        "indexed {} articles ({:.1} MB) in {:.3} s ({:.0} files/s); index memory (live heap) {:.1} MB = {:.2}x corpus; RSS growth {:.1} MB; peak RSS {:.1} MB",
        report.files,
        bytes as f64 / 1e6,
        secs,
        report.files as f64 / secs,
        live as f64 / 1e6,
        live as f64 / bytes as f64,
        grown as f64 / 1e6,
        after as f64 * 1024.0 / 1e6
    );
    let files = ws.all_files();
    let people: usize = files.iter().map(|f| f.outline.people.len()).sum();
    let events: usize = files.iter().map(|f| f.outline.events.len()).sum();
    let titles: usize = files.iter().map(|f| f.outline.titles.len()).sum();
    println!(
        "per article: {:.1} person mentions ({:.1} titled), {:.1} event mentions; outline: PersonSpot {} B, TitleSpot {} B, event span 8 B",
        people as f64 / files.len().max(1) as f64,
        titles as f64 / files.len().max(1) as f64,
        events as f64 / files.len().max(1) as f64,
        std::mem::size_of::<byline::workspace::outline::PersonSpot>(),
        std::mem::size_of::<byline::workspace::outline::TitleSpot>(),
    );
    // Breakdown: kept texts (none for outline-only files), outlines (strings are shared with
    // the workspace's interner, so they count only the spans, titles and line tables), and
    // the two indexes rebuilt from fresh analyses of the same files.
    let l0 = live_bytes();
    let texts: Vec<std::sync::Arc<str>> = files.iter().map(|f| f.text.to_string().into()).collect();
    let l1 = live_bytes();
    let outlines: Vec<byline::workspace::Outline> =
        files.iter().map(|f| (*f.outline).clone()).collect();
    let l2 = live_bytes();
    println!(
        "breakdown: kept text {:.1} MB, outlines {:.1} MB ({:.0} B per article), indexes, strings and file table ~{:.1} MB",
        (l1 - l0) as f64 / 1e6,
        (l2 - l1) as f64 / 1e6,
        (l2 - l1) as f64 / files.len().max(1) as f64,
        (live as f64 - (l2 - l0) as f64) / 1e6
    );
    let ctx = byline::analysis::Context::defaults();
    let fresh: Vec<(u32, byline::analysis::FileAnalysis)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f.path).unwrap_or_default();
            (f.id, byline::analysis::analyze(&text, &ctx))
        })
        .collect();
    let kb = byline::analysis::KbIndex::default();
    let l3 = live_bytes();
    let mut pi = byline::workspace::PeopleIndex::default();
    for (id, a) in &fresh {
        pi.update_file(*id, &a.people, &kb);
    }
    let l4 = live_bytes();
    let mut ei = byline::workspace::EventIndex::new();
    for (id, a) in &fresh {
        ei.update_file(*id, &a.events, a.meta.date, &kb);
    }
    ei.recluster_all(&kb);
    let l5 = live_bytes();
    println!(
        "           people index {:.1} MB, event index {:.1} MB",
        (l4 - l3) as f64 / 1e6,
        (l5 - l4) as f64 / 1e6
    );
    drop(fresh);
    drop((texts, outlines, pi, ei));
    drop(files);
    let live_ws = live_bytes();
    drop(ws);
    println!(
        "freeing the workspace released {:.1} MB",
        (live_ws - live_bytes()) as f64 / 1e6
    );
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
