//! People features end to end on (a copy of) the sample corpus: hover, definition, references
//! across files, highlights, symbols, code lens, rename across the workspace and the KB, and
//! the "Add to the knowledge base" quick fix.

use std::time::Duration;

use byline_e2e::*;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(15);
const GENEVA: &str = "wire/2026-03-12-geneva-talks.txt";

fn setup() -> (tempfile::TempDir, Client, String, String) {
    let dir = corpus_copy();
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(dir.path(), &["utf-16"], json!({}));
    c.wait_indexed();
    let path = dir.path().join(GENEVA);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = c.open(&path, "plaintext");
    c.wait_for("textDocument/publishDiagnostics", T, |p| p["uri"] == uri)
        .expect("diagnostics");
    (dir, c, uri, text)
}

fn at(uri: &str, pos: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos})
}

#[test]
fn hover_definition_references_highlight() {
    let (dir, mut c, uri, text) = setup();
    let pos = pos_of(&text, "Ryabkov described", 2);
    let hover = c.request("textDocument/hover", at(&uri, pos.clone()));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Sergei Ryabkov"), "{md}");
    assert!(
        md.contains("Deputy Foreign Minister"),
        "role from KB and articles: {md}"
    );
    assert!(
        md.contains("Mentioned in") && md.contains("articles"),
        "{md}"
    );
    assert!(
        md.contains(".txt:") || md.contains(".md:"),
        "file:line links: {md}"
    );

    // Definition: the knowledge-base entry in byline.toml.
    let def = c.request("textDocument/definition", at(&uri, pos.clone()));
    assert!(
        def["uri"].as_str().unwrap().ends_with("byline.toml"),
        "{def}"
    );

    // References: across at least three files; includeDeclaration adds the KB entry.
    let mut p = at(&uri, pos.clone());
    p["context"] = json!({"includeDeclaration": false});
    let refs = c.request("textDocument/references", p.clone());
    let files: std::collections::HashSet<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert!(files.len() >= 3, "references in {} files", files.len());
    assert!(!files.iter().any(|f| f.ends_with("byline.toml")));
    p["context"] = json!({"includeDeclaration": true});
    let refs2 = c.request("textDocument/references", p);
    assert_eq!(
        refs2.as_array().unwrap().len(),
        refs.as_array().unwrap().len() + 1
    );
    // Every reference's text is Ryabkov's name (or a form of it).
    for r in refs.as_array().unwrap() {
        let path = uri_to_path(r["uri"].as_str().unwrap());
        let t = std::fs::read_to_string(&path).unwrap();
        let line = t
            .split('\n')
            .nth(r["range"]["start"]["line"].as_u64().unwrap() as usize)
            .unwrap();
        let s = r["range"]["start"]["character"].as_u64().unwrap() as usize;
        let e = r["range"]["end"]["character"].as_u64().unwrap() as usize;
        let u16: Vec<u16> = line.encode_utf16().collect();
        let word = String::from_utf16(&u16[s..e]).unwrap();
        assert!(word.contains("Ryabkov"), "reference text {word:?}");
    }

    // Highlights: all mentions in this document.
    let hl = c.request("textDocument/documentHighlight", at(&uri, pos));
    assert!(hl.as_array().unwrap().len() >= 3);
    drop(dir);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn symbols_and_code_lens() {
    let (_dir, mut c, uri, _text) = setup();
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Sergei Ryabkov"), "{names:?}");
    for bad in [
        "Geneva",
        "Kremlin",
        "NATO",
        "Thursday",
        "Palais des Nations",
    ] {
        assert!(!names.contains(&bad), "{bad} is not a person: {names:?}");
    }
    let ws = c.request("workspace/symbol", json!({"query": "ryabkv"}));
    let first = ws
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["containerName"] == "person")
        .expect("a person");
    assert_eq!(first["name"], "Sergei Ryabkov");
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Sergei Ryabkov: mentioned in ")),
        "{titles:?}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn rename_updates_every_file_and_the_knowledge_base() {
    let (dir, mut c, uri, text) = setup();
    let pos = pos_of(&text, "Ryabkov described", 1);
    let prep = c.request("textDocument/prepareRename", at(&uri, pos.clone()));
    assert_eq!(prep["placeholder"], "Sergei Ryabkov");
    // Not on a non-person.
    let prep2 = c.request(
        "textDocument/prepareRename",
        at(&uri, pos_of(&text, "Palais des Nations", 2)),
    );
    assert!(prep2.is_null(), "{prep2}");
    let mut p = at(&uri, pos);
    p["newName"] = json!("Sergei Rjabkov");
    let edit = c.request("textDocument/rename", p);
    let changes = edit["changes"].as_object().unwrap();
    assert!(changes.len() >= 3, "files changed: {}", changes.len());
    let kb = changes
        .iter()
        .find(|(k, _)| k.ends_with("byline.toml"))
        .expect("KB entry renamed");
    assert_eq!(kb.1[0]["newText"], "\"Sergei Rjabkov\"");
    // Apply the edits to every article (the open one and those the server indexed from disk,
    // as outlines): each edit covers exactly a name (a title stays: "Mr. Ryabkov" →
    // "Mr. Rjabkov"), and no "Ryabkov" is left where it named him.
    let mut out = String::new();
    let mut titled = 0;
    for (u, edits) in changes.iter().filter(|(k, _)| !k.ends_with("byline.toml")) {
        let original = std::fs::read_to_string(uri_to_path(u)).unwrap();
        let (new_text, replaced) = apply_edits(&original, edits.as_array().unwrap());
        for r in &replaced {
            let name_only = r.ends_with("Ryabkov")
                && r.split_whitespace().count() <= 3
                && !["Mr.", "Deputy", "Minister"].iter().any(|t| r.contains(t));
            assert!(name_only, "edit in {u} covers {r:?}");
        }
        titled += original.matches("Mr. Ryabkov").count();
        assert_eq!(
            new_text.matches("Mr. Rjabkov").count(),
            original.matches("Mr. Ryabkov").count(),
            "{u}"
        );
        assert!(
            !new_text.contains("Ryabkov"),
            "left over in {u}: {}",
            new_text
                .lines()
                .filter(|l| l.contains("Ryabkov"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        if *u == uri {
            out = new_text;
        }
    }
    assert!(titled > 0, "the corpus has titled surnames to rename");
    assert!(out.contains("Rjabkov described"));
    // The server wrote nothing itself.
    assert_eq!(
        std::fs::read_to_string(dir.path().join(GENEVA)).unwrap(),
        text
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn unknown_official_offers_add_to_knowledge_base() {
    let dir = corpus_copy();
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(dir.path(), &["utf-16"], json!({}));
    c.wait_indexed();
    let path = dir.path().join("new-story.md");
    let text = "---\ndate: 2026-03-14\n---\nInterior Minister Karin Holmqvist said on Friday that the border checks would end.\n";
    std::fs::write(&path, text).unwrap();
    let uri = c.open(&path, "markdown");
    let d = c
        .wait_for("textDocument/publishDiagnostics", T, |p| p["uri"] == uri)
        .unwrap();
    let diag = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "unknown-official")
        .cloned()
        .expect("unknown-official hint");
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}));
    let add = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("knowledge base"))
        .expect("add to KB action");
    let changes = add["edit"]["changes"].as_object().unwrap();
    let (kb_uri, edits) = changes.iter().next().unwrap();
    assert!(kb_uri.ends_with("byline.toml"));
    let new_text = edits[0]["newText"].as_str().unwrap();
    assert!(
        new_text.contains("[[person]]") && new_text.contains("name = \"Karin Holmqvist\""),
        "{new_text}"
    );
    assert!(new_text.contains("Interior Minister"), "{new_text}");
    // The appended entry parses.
    let kb_path = dir.path().join("byline.toml");
    let merged = format!("{}{}", std::fs::read_to_string(&kb_path).unwrap(), new_text);
    std::fs::write(&kb_path, merged).unwrap();
    let (code, out, _) = run_cli(
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "error",
            "new-story.md",
        ],
        dir.path(),
    );
    assert!(!out.contains("config-error"), "{out}");
    assert_eq!(code, 0);
    assert_eq!(c.shutdown(), 0);
}

/// Apply LSP text edits (UTF-16 ranges) to `text`; returns the new text and what each edit
/// replaced, in document order.
fn apply_edits(text: &str, edits: &[Value]) -> (String, Vec<String>) {
    let mut lines: Vec<Vec<u16>> = text
        .split('\n')
        .map(|l| l.encode_utf16().collect())
        .collect();
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        ))
    });
    let mut replaced = Vec::new();
    for e in sorted {
        let l = e["range"]["start"]["line"].as_u64().unwrap() as usize;
        assert_eq!(l, e["range"]["end"]["line"].as_u64().unwrap() as usize);
        let s = e["range"]["start"]["character"].as_u64().unwrap() as usize;
        let en = e["range"]["end"]["character"].as_u64().unwrap() as usize;
        let new: Vec<u16> = e["newText"].as_str().unwrap().encode_utf16().collect();
        let old: Vec<u16> = lines[l].splice(s..en, new).collect();
        replaced.push(String::from_utf16(&old).unwrap());
    }
    replaced.reverse();
    let out: Vec<String> = lines
        .iter()
        .map(|l| String::from_utf16(l).unwrap())
        .collect();
    (out.join("\n"), replaced)
}

/// A request on an article the editor never opened: the server keeps only an outline of
/// files it indexed from disk, so it reads the file again to answer.
#[test]
fn hover_and_references_on_an_unopened_article() {
    let (dir, mut c, _uri, _text) = setup();
    let path = dir.path().join("evening-post/2026-03-12-geneva-summit.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = file_uri(&path);
    let pos = pos_of(&text, "Ryabkov was blunt", 2);
    let hover = c.request("textDocument/hover", at(&uri, pos.clone()));
    let md = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(md.contains("Sergei Ryabkov"), "{hover}");
    let mut p = at(&uri, pos);
    p["context"] = json!({"includeDeclaration": false});
    let refs = c.request("textDocument/references", p);
    let refs = refs.as_array().unwrap();
    assert!(refs.iter().any(|r| r["uri"] == uri.as_str()), "{refs:?}");
    assert_eq!(c.shutdown(), 0);
}
