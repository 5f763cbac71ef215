//! Precision and recall of the sourcing rules on the labelled fixtures in
//! `tests/fixtures/sourcing/` (see the README there). Prints a table and fails below precision
//! 0.9 or recall 0.85, per rule (rules with at least 5 labelled findings) and overall.

use std::collections::BTreeMap;
use std::path::Path;

use byline::analysis::{analyze, Context};

const SOURCING_RULES: &[&str] = &[
    "vague-attribution",
    "anonymous-source",
    "unattributed-quote",
    "weasel-word",
    "unsourced-statistic",
    "undefined-source",
    "unused-source",
];

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// (region start, region end, expected codes) for each `<!-- expect: … -->` comment.
fn cases(text: &str) -> Vec<(usize, usize, Vec<String>)> {
    let mut marks = Vec::new();
    let mut pos = 0;
    while let Some(i) = text[pos..].find("<!-- expect:") {
        let s = pos + i;
        let Some(j) = text[s..].find("-->") else {
            break;
        };
        let e = s + j + 3;
        let codes: Vec<String> = text[s + "<!-- expect:".len()..s + j]
            .split_whitespace()
            .filter(|c| *c != "none")
            .map(str::to_string)
            .collect();
        marks.push((s, e, codes));
        pos = e;
    }
    let mut out = Vec::new();
    for (k, (_, e, codes)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(text.len(), |m| m.0);
        out.push((*e, end, codes.clone()));
    }
    out
}

#[test]
fn sourcing_precision_and_recall() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sourcing");
    let ctx = Context::defaults();
    let mut counts: BTreeMap<&str, Counts> = SOURCING_RULES
        .iter()
        .map(|r| (*r, Counts::default()))
        .collect();
    let mut n_cases = 0;
    let mut problems = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "README.md" || !(name.ends_with(".md") || name.ends_with(".txt")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = analyze(&text, &ctx);
        for (start, end, expected) in cases(&text) {
            n_cases += 1;
            for rule in SOURCING_RULES {
                let want = expected.iter().filter(|c| c == rule).count();
                let got: Vec<_> = analysis
                    .findings
                    .iter()
                    .filter(|f| f.code == *rule && f.span.start >= start && f.span.start < end)
                    .collect();
                let c = counts.get_mut(rule).unwrap();
                c.tp += want.min(got.len());
                c.fp += got.len().saturating_sub(want);
                c.fn_ += want.saturating_sub(got.len());
                if got.len() != want {
                    let case = text[start..end]
                        .trim()
                        .lines()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(90)
                        .collect::<String>();
                    let msgs: Vec<_> = got.iter().map(|f| f.message.as_str()).collect();
                    problems.push(format!(
                        "{name}: {rule}: expected {want}, got {} {msgs:?}\n    {case}",
                        got.len()
                    ));
                }
            }
        }
    }
    for p in &problems {
        eprintln!("MISMATCH {p}");
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    println!("{n_cases} labelled cases");
    println!(
        "{:<22} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    let mut total = Counts::default();
    let mut failures = Vec::new();
    for (rule, c) in &counts {
        let p = ratio(c.tp, c.tp + c.fp);
        let r = ratio(c.tp, c.tp + c.fn_);
        println!(
            "{rule:<22} {:>4} {:>4} {:>4} {p:>9.3} {r:>7.3}",
            c.tp, c.fp, c.fn_
        );
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
        if c.tp + c.fn_ >= 5 && (p < 0.9 || r < 0.85) {
            failures.push(format!("{rule}: precision {p:.3}, recall {r:.3}"));
        }
    }
    let p = ratio(total.tp, total.tp + total.fp);
    let r = ratio(total.tp, total.tp + total.fn_);
    println!(
        "{:<22} {:>4} {:>4} {:>4} {p:>9.3} {r:>7.3}",
        "overall", total.tp, total.fp, total.fn_
    );
    if p < 0.9 || r < 0.85 {
        failures.push(format!("overall: precision {p:.3}, recall {r:.3}"));
    }
    assert!(n_cases >= 60, "only {n_cases} labelled cases");
    assert!(failures.is_empty(), "below target: {failures:?}");
}
