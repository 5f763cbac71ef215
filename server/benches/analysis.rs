//! Criterion benches for the speed budgets: analyse one article (500 / 2,000 / 10,000 words),
//! index 1,000 and 10,000 generated articles, and workspace queries with 10,000 indexed.
//! Run: `cargo bench -p byline --bench analysis`.

#[path = "support/synth.rs"]
mod synth;

use std::path::Path;
use std::sync::Arc;

use byline::analysis::{analyze, Context};
use byline::workspace::{Item, Workspace};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// The allocator the `byline` binary uses, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn analyse_one(c: &mut Criterion) {
    let ctx = Context::defaults();
    let mut g = c.benchmark_group("analyze_article");
    for words in [500usize, 2000, 10000] {
        let text = synth::long_article(7, words);
        g.bench_with_input(BenchmarkId::from_parameter(words), &text, |b, t| {
            b.iter(|| analyze(t, &ctx))
        });
    }
    g.finish();
}

fn index(c: &mut Criterion) {
    let mut g = c.benchmark_group("index_workspace");
    g.sample_size(10);
    for n in [1000usize, 10000] {
        let dir = synth::cached_corpus(n);
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                let ws = Workspace::new();
                ws.add_root(&dir);
                ws.scan(std::slice::from_ref(&dir), &|_, _| {});
                assert_eq!(ws.file_count(), n);
                ws
            })
        });
    }
    g.finish();
}

fn person_offset(ws: &Workspace, p: &Path) -> (u32, usize) {
    let f = ws.file_by_path(p).unwrap();
    let m = f
        .analysis
        .people
        .iter()
        .find(|m| m.form == byline::analysis::MentionForm::Surname)
        .or(f.analysis.people.first())
        .unwrap();
    (f.id, m.span.start + 1)
}

fn queries(c: &mut Criterion) {
    let dir = synth::cached_corpus(10000);
    let ws = Workspace::new();
    ws.add_root(&dir);
    ws.scan(std::slice::from_ref(&dir), &|_, _| {});
    let probe = dir.join("shard004").join("article-004321.md");
    let (fid, off) = person_offset(&ws, &probe);
    let key = match ws.item_at(fid, off) {
        Some(Item::Person {
            resolution: byline::workspace::Resolution::Person(k),
            ..
        }) => k,
        other => panic!("no person at probe: {other:?}"),
    };
    c.bench_function("hover_person_10k", |b| {
        b.iter(|| ws.person_info(&key, None))
    });
    c.bench_function("references_person_10k", |b| {
        b.iter(|| ws.person_mentions(&key))
    });
    c.bench_function("item_at_10k", |b| b.iter(|| ws.item_at(fid, off)));
    let text: Arc<str> = Arc::from(synth::long_article(3, 2000));
    let edited = dir.join("shard000").join("article-000007.md");
    c.bench_function("reanalyse_2000_word_edit_10k", |b| {
        let mut v = 0;
        b.iter(|| {
            v += 1;
            ws.upsert_open(&edited, text.clone(), v)
        })
    });
    c.bench_function("diagnostics_2000_word_10k", |b| {
        let id = ws.lookup(&edited).unwrap();
        b.iter(|| ws.diagnostics(id))
    });
}

criterion_group!(benches, analyse_one, index, queries);
criterion_main!(benches);
