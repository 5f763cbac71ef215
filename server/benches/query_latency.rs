//! Bench binary: server-side latency percentiles of the workspace queries behind hover,
//! definition and references (with the conversion of every location to a UTF-16 position), and of re-analysing + re-linking one edited article, with N
//! generated articles indexed (default 10,000). Criterion reports means; the budgets are p99.
//! Run: `cargo bench -p byline --bench query_latency -- 10000`.

#[path = "support/synth.rs"]
mod synth;

use std::sync::Arc;
use std::time::{Duration, Instant};

use byline::lines::Encoding;
use byline::workspace::{Item, Location, Resolution, Workspace};

/// What the server does with a location list: UTF-16 positions for both ends of every span,
/// from each file's line table.
fn to_positions(ws: &Workspace, locs: &[Location]) -> usize {
    let mut n = 0;
    for run in locs.chunk_by(|a, b| a.file == b.file) {
        let Some(f) = ws.file(run[0].file) else {
            continue;
        };
        for l in run {
            let a = f.outline.lines.position(l.span.start, Encoding::Utf16);
            let b = f.outline.lines.position(l.span.end, Encoding::Utf16);
            n += (a.0 + b.0) as usize & 1;
        }
    }
    n
}

/// The allocator the `byline` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pct(mut v: Vec<Duration>) -> String {
    v.sort_unstable();
    let at = |p: f64| {
        let i = ((v.len() - 1) as f64 * p).round() as usize;
        v[i].as_secs_f64() * 1e3
    };
    format!(
        "n {:>4}  p50 {:>7.3}  p95 {:>7.3}  p99 {:>7.3}  max {:>7.3} ms",
        v.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10000);
    let dir = synth::cached_corpus(n);
    let ws = Workspace::new();
    ws.set_compact_disk_files(true); // as the language server does
    ws.add_root(&dir);
    let t = Instant::now();
    ws.scan(std::slice::from_ref(&dir), &|_, _| {});
    println!(
        "indexed {} files in {:.2} s",
        ws.file_count(),
        t.elapsed().as_secs_f64()
    );

    // Every 20th file, its first person mention and first event mention (deterministic).
    let mut files = ws.all_files();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let (mut hover, mut refs, mut ev_refs, mut def) = (vec![], vec![], vec![], vec![]);
    let mut cold = vec![];
    // An article re-stored before each cold hover: every change to the people index (an
    // edit anywhere) invalidates the cached aggregates, as in an editing session.
    let other = files[3].path.clone();
    let other_text: Arc<str> = std::fs::read_to_string(&other).unwrap().into();
    let mut version = 0;
    let mut total_locs = 0usize;
    let mut ev_locs = 0usize;
    for f in files.iter().step_by(20) {
        for (k, m) in f.outline.people.iter().enumerate().take(2) {
            let off = m.start as usize + 1;
            let t = Instant::now();
            let item = ws.item_at(f.id, off);
            let key = match &item {
                Some(Item::Person {
                    resolution: Resolution::Person(key),
                    ..
                }) => Some(key.clone()),
                _ => None,
            };
            let Some(key) = key else { continue };
            let _info = ws.person_info(&key, f.outline.date);
            hover.push(t.elapsed());
            version += 1;
            ws.upsert_open(&other, other_text.clone(), version);
            let t = Instant::now();
            let _ = ws.item_at(f.id, off);
            let _info = ws.person_info(&key, f.outline.date);
            cold.push(t.elapsed());
            // Definition: the KB entry or the first full-name mention (from person_info).
            let t = Instant::now();
            let _ = ws.item_at(f.id, off);
            let first = ws.person_info(&key, None).first_mention.clone();
            def.push(t.elapsed());
            assert!(first.is_some() || k > 0);
            let t = Instant::now();
            let locs = ws.person_mentions(&key);
            std::hint::black_box(to_positions(&ws, &locs));
            refs.push(t.elapsed());
            total_locs += locs.len();
        }
        if let Some(&(start, _)) = f.outline.events.first() {
            if let Some(Item::Event { key: Some(key), .. }) = ws.item_at(f.id, start as usize + 1) {
                let t = Instant::now();
                let _ = ws.event_summary(&key);
                let locs = ws.event_mentions(&key);
                std::hint::black_box(to_positions(&ws, &locs));
                ev_refs.push(t.elapsed());
                ev_locs += locs.len();
            }
        }
    }
    println!("hover (item_at + person_info)      {}", pct(hover));
    println!("hover, index changed since (cold)  {}", pct(cold));
    println!("definition (item_at + first mention) {}", pct(def));
    println!(
        "references + positions (person, {:>5.0} locations avg) {}",
        total_locs as f64 / refs.len().max(1) as f64,
        pct(refs)
    );
    let ev_n = ev_refs.len().max(1);
    println!(
        "event summary + references ({:>5.0} locations avg) {}",
        ev_locs as f64 / ev_n as f64,
        pct(ev_refs)
    );

    // Edits: re-analyse and re-link one open 2,000-word article (a new sentence each time).
    let base = synth::long_article(3, 2000);
    let path = files[7].path.clone();
    let mut edit = vec![];
    for v in 0..200 {
        let text: Arc<str> = Arc::from(format!(
            "{base}\nThe talks in Geneva resumed on day {v}, officials said.\n"
        ));
        let t = Instant::now();
        ws.upsert_open(&path, text, v);
        let id = ws.lookup(&path).unwrap();
        let _ = ws.diagnostics(id);
        edit.push(t.elapsed());
    }
    println!(
        "edit: re-analyse + re-link + diagnostics (2,000 words) {}",
        pct(edit)
    );
}
