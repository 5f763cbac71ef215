//! Measured accuracy of people detection on hand-labelled news sentences
//! (`tests/fixtures/people/labelled.txt`). Prints precision and recall; fails below 0.9 / 0.85.

use byline::analysis::document::Document;
use byline::analysis::people::find_people;
use byline::analysis::Context;

/// One labelled case: the clean text and the expected mention spans.
fn parse_case(line: &str) -> (String, Vec<std::ops::Range<usize>>) {
    let line = line.replace("\\n", "\n");
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut open = None;
    for c in line.chars() {
        match c {
            '[' => open = Some(text.len()),
            ']' => {
                if let Some(s) = open.take() {
                    spans.push(s..text.len());
                }
            }
            _ => text.push(c),
        }
    }
    (text, spans)
}

#[test]
fn people_accuracy_on_labelled_sentences() {
    let data = include_str!("fixtures/people/labelled.txt");
    let ctx = Context::defaults();
    let (mut tp, mut fp, mut fn_, mut cases, mut negatives) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut errors = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        cases += 1;
        let (text, gold) = parse_case(line);
        if gold.is_empty() {
            negatives += 1;
        }
        let doc = Document::parse(&text, None);
        let pred: Vec<_> = find_people(&doc, &ctx)
            .into_iter()
            .map(|m| m.span)
            .collect();
        for p in &pred {
            if gold.contains(p) {
                tp += 1;
            } else {
                fp += 1;
                errors.push(format!("FP {:?} in: {}", &text[p.clone()], text));
            }
        }
        for g in &gold {
            if !pred.contains(g) {
                fn_ += 1;
                errors.push(format!("FN {:?} in: {}", &text[g.clone()], text));
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!("people accuracy: {cases} cases ({negatives} negatives), tp={tp} fp={fp} fn={fn_}");
    println!("precision={precision:.3} recall={recall:.3}");
    for e in &errors {
        println!("  {e}");
    }
    assert!(cases >= 40, "need at least 40 labelled cases, have {cases}");
    assert!(precision >= 0.9, "precision {precision:.3} < 0.9");
    assert!(recall >= 0.85, "recall {recall:.3} < 0.85");
}
