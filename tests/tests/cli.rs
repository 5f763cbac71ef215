//! The CLI contract, against the real binary: exit codes, JSON shapes, SARIF validity,
//! path display, sorting.

use byline_e2e::*;
use serde_json::Value;

#[test]
fn no_arguments_prints_help_and_version_works() {
    let (code, out, err) = run_cli(&[], &repo_root());
    assert_eq!(
        code, 2,
        "bare `byline` prints help (clap's missing-subcommand code)"
    );
    assert!(format!("{out}{err}").contains("Usage"));
    let (code, out, _) = run_cli(&["--version"], &repo_root());
    assert_eq!(code, 0);
    assert!(out.starts_with("byline "));
}

#[test]
fn missing_path_is_a_clear_error_with_code_2() {
    let (code, out, err) = run_cli(&["check", "no/such/dir"], &repo_root());
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no/such/dir: no such file or directory"),
        "{err}"
    );
    let (code, _, _) = run_cli(&["check", "--format", "yaml"], &repo_root());
    assert_eq!(code, 2);
}

#[test]
fn clean_file_exits_0_and_findings_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.md"), "The council met on Monday.\n").unwrap();
    let (code, out, _) = run_cli(&["check", "clean.md"], dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 file checked: 0 errors"), "{out}");
    // An undefined footnote is an error finding.
    std::fs::write(dir.path().join("bad.md"), "The budget rose.[^9]\n").unwrap();
    let (code, out, _) = run_cli(&["check", "--format", "json", "."], dir.path());
    let v: Value = serde_json::from_str(&out).unwrap();
    let has_error = v["files"].as_array().unwrap().iter().any(|f| {
        f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["severity"] == 1)
    });
    assert_eq!(code, i32::from(has_error));
    // --fail-on never always exits 0.
    let (code, _, _) = run_cli(&["check", "--fail-on", "never", "."], dir.path());
    assert_eq!(code, 0);
}

#[test]
fn check_json_contract_paths_and_order() {
    let root = repo_root();
    let (code, out, _) = run_cli(&["check", "--format", "json", "tests/corpus"], &root);
    assert!(code == 0 || code == 1);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().unwrap();
    assert!(
        files.len() >= 12,
        "corpus has at least 12 articles, got {}",
        files.len()
    );
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files sorted by path");
    for p in &paths {
        assert!(
            p.starts_with("tests/corpus/"),
            "relative path as given: {p}"
        );
        assert!(!p.contains("archive/"), "excluded by byline.toml: {p}");
    }
    for f in files {
        let mut last = (0, 0);
        for d in f["diagnostics"].as_array().unwrap() {
            assert_eq!(d["source"], "byline");
            assert!(d["code"].is_string());
            let sev = d["severity"].as_u64().unwrap();
            assert!((1..=4).contains(&sev));
            assert!(d["message"].as_str().unwrap().len() > 10);
            let s = &d["range"]["start"];
            let here = (
                s["line"].as_u64().unwrap(),
                s["character"].as_u64().unwrap(),
            );
            assert!(here >= last, "diagnostics sorted by position");
            last = here;
        }
    }
}

#[test]
fn sarif_output_validates_against_the_2_1_0_schema() {
    let root = repo_root();
    let (_, out, _) = run_cli(&["check", "--format", "sarif", "tests/corpus"], &root);
    let sarif: Value = serde_json::from_str(&out).expect("valid JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/schemas/sarif-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "byline");
}

#[test]
fn index_json_contract() {
    let root = repo_root();
    let (code, out, _) = run_cli(&["index", "--format", "json", "tests/corpus"], &root);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    for kind in ["people", "events"] {
        let clusters = v[kind].as_array().unwrap();
        let mut ids = std::collections::HashSet::new();
        for c in clusters {
            assert!(
                ids.insert(c["id"].as_str().unwrap().to_string()),
                "unique ids"
            );
            assert!(c["name"].is_string());
            assert!(c["roles"].is_array());
            for m in c["mentions"].as_array().unwrap() {
                assert!(m["path"].as_str().unwrap().starts_with("tests/corpus/"));
                assert!(m["range"]["start"]["line"].is_u64());
                assert!(m["text"].is_string());
            }
        }
    }
}

#[test]
fn index_json_attributions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "Anna Keller, who chairs the harbour board, spoke on Sunday.\n\n“We counted\u{a0}twice,” she said on Monday.\n\nSeveral economists believe the dredging will pay for itself.\n\nIt is believed that the vote will pass.\n",
    )
    .unwrap();
    let (code, out, err) = run_cli(&["index", "--format", "json", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    let atts = v["attributions"].as_array().expect("attributions");
    let person_id = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Anna Keller")
        .map(|c| c["id"].clone())
        .expect("person cluster");
    let by_cue = |cue: &str| {
        atts.iter()
            .find(|a| a["cue"]["text"] == cue)
            .unwrap_or_else(|| panic!("no attribution with cue {cue}: {atts:?}"))
    };
    let said = by_cue("said");
    assert_eq!(said["source"]["kind"], "pronoun");
    assert_eq!(said["source"]["text"], "she");
    assert_eq!(said["source"]["person"], person_id);
    assert_eq!(said["form"], "direct");
    assert_eq!(said["path"], "./a.md");
    assert!(said["content"]["range"]["start"]["line"].is_u64());
    let believe = by_cue("believe");
    assert_eq!(believe["source"]["kind"], "vague_group");
    assert_eq!(believe["source"]["text"], "Several economists");
    assert_eq!(believe["form"], "indirect");
    let agentless = atts
        .iter()
        .find(|a| a["source"].is_null())
        .unwrap_or_else(|| panic!("no agentless attribution: {atts:?}"));
    assert!(agentless["cue"]["text"]
        .as_str()
        .unwrap()
        .contains("believed"));
}

#[test]
fn skipped_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"Caf\xe9 society\n").unwrap();
    std::fs::write(dir.path().join("ok.md"), "Fine.\n").unwrap();
    let (code, out, err) = run_cli(&["check", "--format", "json", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("latin1.txt") && err.contains("not valid UTF-8"),
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
}
