//! Protocol core, driven over stdio against the real binary: lifecycle, encodings,
//! incremental sync with multi-byte text, versioned diagnostics, progress, watched files.

use std::time::Duration;

use byline_e2e::*;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(10);

fn diags_for<'a>(uri: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |p: &Value| p["uri"] == uri
}

#[test]
fn lifecycle_sync_diagnostics_progress() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("other.md"), "Analysts say the talks failed.\n").unwrap();
    let mut c = Client::spawn(&["lsp", "--stdio"]);
    let init = c.initialize(root, &["utf-16"], json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "byline");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    // Progress: begin, report(s) with percentage, end — while still answering requests.
    let begin = c
        .wait_for("$/progress", T, |p| p["value"]["kind"] == "begin")
        .expect("progress begin");
    assert_eq!(begin["value"]["title"], "Indexing articles");
    c.wait_indexed();

    let path = root.join("draft.md");
    let text = "# Draft\n\nThe minister spoke. “It was a long day,” 🎉 王毅 said.\n";
    std::fs::write(&path, text).unwrap();
    let uri = c.open(&path, "markdown");
    let first = c
        .wait_for("textDocument/publishDiagnostics", T, diags_for(&uri))
        .expect("diagnostics after didOpen");
    assert_eq!(first["version"], 1);

    // Incremental edits with multi-byte text, several in one notification, then more.
    let p = pos_of(text, "said", 0);
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [
            {"range": {"start": p, "end": p}, "text": "“quietly” "},
            {"range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 7}}, "text": "Brouillon ✍️"}
        ]
    }));
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 0}}, "text": "\nAnalysts say it failed.\n"}]
    }));
    let last = c
        .wait_for("textDocument/publishDiagnostics", T, |p| {
            p["uri"] == uri && p["version"] == 3
        })
        .expect("diagnostics for version 3");
    assert!(last["diagnostics"].is_array());
    // The server's text must equal ours: ask for document symbols (forces a fresh analysis)
    // and check a hover far past the end answers null, not an error.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 500, "character": 500}}),
    );
    assert!(h.is_null() || h.is_object());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf8_encoding_is_negotiated_when_offered() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::spawn(&["lsp"]);
    let init = c.initialize(dir.path(), &["utf-8", "utf-16"], json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn unknown_uris_answer_null() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(dir.path(), &["utf-16"], json!({}));
    let unknown = json!({"uri": "file:///nowhere/x.md"});
    let pos = json!({"line": 0, "character": 0});
    for (m, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": unknown, "position": pos}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": unknown, "position": pos}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": unknown, "position": pos, "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": unknown}),
        ),
        ("textDocument/codeLens", json!({"textDocument": unknown})),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": "untitled:Untitled-1"}}),
        ),
    ] {
        assert!(c.request(m, params).is_null(), "{m}");
    }
    // Notifications for unopened documents are ignored.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere/x.md", "version": 2}, "contentChanges": [{"text": "x"}]}));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///nowhere/x.md"}}),
    );
    assert!(c
        .request(
            "textDocument/hover",
            json!({"textDocument": unknown, "position": pos})
        )
        .is_null());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn requests_before_initialize_get_an_error_not_a_crash() {
    let mut c = Client::spawn(&["lsp"]);
    let id = c.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}),
    );
    let r = c.response(id, T);
    assert!(r.get("error").is_some(), "{r}");
    let dir = tempfile::tempdir().unwrap();
    c.initialize(dir.path(), &["utf-16"], json!({}));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exits_when_stdin_closes() {
    let mut c = Client::spawn(&["lsp"]);
    let dir = tempfile::tempdir().unwrap();
    c.initialize(dir.path(), &["utf-16"], json!({}));
    c.close_stdin();
    let code = c.wait_exit(T);
    assert_ne!(code, -1, "server did not exit after stdin closed");
}

#[test]
fn late_client_response_after_shutdown_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::spawn(&["lsp"]);
    c.auto_answer = false;
    c.initialize(dir.path(), &["utf-16"], json!({}));
    // Don't answer the server's window/workDoneProgress/create until after shutdown.
    let req = c.wait_for("window/workDoneProgress/create", T, |_| true);
    let pending: Vec<Value> = c
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.get("method").is_some() && m.get("id").is_some())
        .cloned()
        .collect();
    let id = c.request_async("shutdown", json!(null));
    let _ = c.response(id, T);
    for m in pending {
        c.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
    }
    let _ = req;
    c.notify("exit", json!(null));
    c.close_stdin();
    assert_eq!(c.wait_exit(T), 0);
}

#[test]
fn watched_file_change_reanalyses_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a.md"), "Nothing to see.\n").unwrap();
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(root, &["utf-16"], json!({}));
    c.wait_indexed();
    let reg = c
        .log
        .lock()
        .unwrap()
        .iter()
        .any(|m| m["method"] == "client/registerCapability");
    assert!(reg, "watchers were not registered");
    // A new article appears on disk with a person; workspace symbols must find it.
    std::fs::write(
        root.join("b.md"),
        "GENEVA — Deputy Foreign Minister Sergei Ryabkov said the talks would continue.\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("b.md")), "type": 1}]}),
    );
    // The notification is handled concurrently with later requests: poll briefly.
    let b_uri = file_uri(&root.join("b.md"));
    let mut syms = json!([]);
    let mut found = false;
    for _ in 0..50 {
        syms = c.request("workspace/symbol", json!({"query": "ryabkov"}));
        found = syms
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["location"]["uri"] == b_uri);
        if found {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Deleted: it disappears.
    std::fs::remove_file(root.join("b.md")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("b.md")), "type": 3}]}),
    );
    let mut gone = false;
    for _ in 0..50 {
        let syms2 = c.request("workspace/symbol", json!({"query": "ryabkov"}));
        gone = syms2
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["location"]["uri"] != b_uri);
        if gone {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(gone, "deleted file still indexed");
    assert!(found, "new file on disk was not indexed: {syms}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_and_definition_on_a_quotation() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut c = Client::spawn(&["lsp", "--stdio"]);
    c.initialize(root, &["utf-16"], json!({}));
    c.wait_indexed();
    let path = root.join("quotes.md");
    let text = "# Vote\n\n“We counted twice and the numbers 🎉 still did not add up,” Mara Okonkwo said with a shrug.\n\nThe hall emptied at ten.\n\n“This is the last chance the harbour gets.”\n";
    std::fs::write(&path, text).unwrap();
    let uri = c.open(&path, "markdown");
    c.wait_for("textDocument/publishDiagnostics", T, diags_for(&uri))
        .expect("diagnostics after didOpen");
    let on_quote = pos_of(text, "numbers", 2);
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": on_quote}),
    );
    let md = h["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("speaker: **Mara Okonkwo**"), "{h}");
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": on_quote}),
    );
    assert_eq!(d["range"]["start"], pos_of(text, "Mara Okonkwo", 0), "{d}");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos_of(text, "last chance", 1)}),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("no speaker found"),
        "{h}"
    );
    assert_eq!(c.shutdown(), 0);
}
