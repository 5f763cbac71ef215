//! Replays every committed fuzz input on stable Rust, through the same functions the
//! `cargo fuzz` targets call (`byline::fuzzing`): the minimised corpora in
//! `fuzz/corpus/<target>/` and the crash regressions in `fuzz/regressions/<target>/`.

use std::path::Path;

fn replay(dir: &Path, run: fn(&[u8])) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut n = 0;
    for path in files.iter().filter(|p| p.is_file()) {
        let data = std::fs::read(path).unwrap();
        if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{} fails: {msg}", path.display());
        }
        n += 1;
    }
    n
}

fn replay_target(target: &str) {
    let run = byline::fuzzing::TARGETS
        .iter()
        .find(|t| t.0 == target)
        .map(|t| t.1)
        .unwrap();
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = replay(&fuzz.join("corpus").join(target), run);
    let regressions = replay(&fuzz.join("regressions").join(target), run);
    assert!(corpus > 0, "no corpus for fuzz target {target}");
    eprintln!("{target}: {corpus} corpus inputs, {regressions} regressions replayed");
}

#[test]
fn every_target_has_a_replay_test() {
    let names: Vec<_> = byline::fuzzing::TARGETS.iter().map(|t| t.0).collect();
    assert_eq!(
        names,
        ["analysis", "position", "config", "edits", "framing"]
    );
}

#[test]
fn analysis() {
    replay_target("analysis");
}

#[test]
fn position() {
    replay_target("position");
}

#[test]
fn config() {
    replay_target("config");
}

#[test]
fn edits() {
    replay_target("edits");
}

#[test]
fn framing() {
    replay_target("framing");
}
