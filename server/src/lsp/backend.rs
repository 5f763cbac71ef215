//! The `LanguageServer` implementation: lifecycle, sync notifications and every request.
//! Each handler converts positions at the edge, asks the workspace, converts answers back.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert::{self, Text};
use super::features;
use super::position::Encoding;
use super::server::{reload_from_disk, State, DEBOUNCE};
use crate::config;

pub struct Backend {
    pub state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            state: Arc::new(State::new(client)),
        }
    }

    async fn log(&self, typ: MessageType, msg: impl std::fmt::Display) {
        self.state.client.log_message(typ, msg).await;
    }

    /// Index every root in the background, reporting `$/progress`, then refresh open docs.
    fn start_indexing(&self) {
        let st = self.state.clone();
        tokio::spawn(async move {
            let roots: Vec<PathBuf> = st.ws.roots();
            let progress_ok = st
                .caps
                .read()
                .map(|c| c.work_done_progress)
                .unwrap_or(false);
            let token = st.next_progress_token();
            let ongoing = if progress_ok
                && st
                    .client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_ok()
            {
                Some(
                    st.client
                        .progress(token, "Indexing articles")
                        .with_percentage(0)
                        .with_message("finding files")
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
            let st2 = st.clone();
            let task = tokio::task::spawn_blocking(move || {
                st2.ws.scan(&roots, &|done, total| {
                    let _ = tx.send((done, total));
                })
            });
            tokio::pin!(task);
            let report = loop {
                tokio::select! {
                    r = &mut task => break r,
                    changed = rx.changed() => {
                        if changed.is_err() { continue; }
                        let (done, total) = *rx.borrow_and_update();
                        if let Some(p) = &ongoing {
                            let pct = (done * 100).checked_div(total).unwrap_or(100) as u32;
                            p.report_with_message(format!("{done}/{total} files"), pct).await;
                        }
                        // Coalesce bursts of updates.
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                }
            };
            st.indexing_done.store(true, Ordering::SeqCst);
            match report {
                Ok(report) => {
                    for (p, why) in &report.skipped {
                        st.client
                            .log_message(
                                MessageType::WARNING,
                                format!("byline: skipped {}: {why}", p.display()),
                            )
                            .await;
                    }
                    if let Some(p) = ongoing {
                        p.finish_with_message(format!("{} files indexed", report.files))
                            .await;
                    }
                    st.client
                        .log_message(
                            MessageType::INFO,
                            format!(
                                "byline: indexed {} files ({} skipped)",
                                report.files,
                                report.skipped.len()
                            ),
                        )
                        .await;
                }
                Err(e) => {
                    if let Some(p) = ongoing {
                        p.finish_with_message("indexing failed").await;
                    }
                    st.client
                        .log_message(MessageType::ERROR, format!("byline: indexing failed: {e}"))
                        .await;
                }
            }
            st.republish_open().await;
            refresh_client(&st);
        });
    }

    async fn register_watchers(&self) {
        let dynamic = self
            .state
            .caps
            .read()
            .map(|c| c.watched_files_dynamic)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let watchers = ["**/*.md", "**/*.markdown", "**/*.txt", "**/byline.toml"]
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let opts = DidChangeWatchedFilesRegistrationOptions { watchers };
        let reg = Registration {
            id: "byline-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(opts).ok(),
        };
        if let Err(e) = self.state.client.register_capability(vec![reg]).await {
            tracing::warn!("could not register file watchers: {e}");
        }
    }

    /// Publish config problems of every root's byline.toml (from disk).
    async fn publish_config_problems(&self) {
        for root in self.state.ws.roots() {
            let path = root.join(config::FILE_NAME);
            if self.state.docs.iter().any(|d| d.path == path) {
                continue; // the open document's own publish covers it
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let parsed = config::parse(&text);
            let t = Text::new(&text, self.state.encoding());
            let diags = parsed
                .problems
                .iter()
                .map(|p| convert::config_diagnostic(&t, p))
                .collect();
            if let Some(uri) = convert::path_to_uri(&path) {
                self.state
                    .client
                    .publish_diagnostics(uri, diags, None)
                    .await;
            }
        }
    }

    async fn config_changed(&self) {
        let st = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || st.ws.reanalyze_all()).await;
        self.state.republish_open().await;
        refresh_client(&self.state);
    }

    fn apply_settings(&self, v: &Value) -> Vec<String> {
        // Accept {"byline": {...}} or the settings object itself.
        let s = v.get("byline").unwrap_or(v);
        if s.is_null() {
            return Vec::new();
        }
        self.state.ws.apply_settings_json(s)
    }
}

/// Ask the client to refresh lenses and tokens, without waiting for its answers.
fn refresh_client(st: &Arc<State>) {
    let client = st.client.clone();
    tokio::spawn(async move {
        let _ = client.code_lens_refresh().await;
        let _ = client.semantic_tokens_refresh().await;
    });
}

fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(folders) = &params.workspace_folders {
        for f in folders {
            if let Some(p) = convert::uri_to_path(&f.uri) {
                roots.push(p);
            }
        }
    }
    #[allow(deprecated)]
    if roots.is_empty() {
        if let Some(p) = params.root_uri.as_ref().and_then(convert::uri_to_path) {
            roots.push(p);
        }
    }
    roots
}

impl Backend {
    /// A message that was not valid JSON-RPC (see `framing`): log it; if it had an id, the
    /// client gets an "invalid request" error.
    pub async fn invalid_message(&self, params: Value) -> Result<Value> {
        let reason = params["reason"].as_str().unwrap_or("invalid message");
        let preview = params["preview"].as_str().unwrap_or("");
        tracing::warn!("ignored a message: {reason}: {preview}");
        self.log(
            MessageType::WARNING,
            format!("byline: ignored a message from the client ({reason})"),
        )
        .await;
        let mut e = Error::invalid_request();
        e.message = format!("invalid message: {reason}").into();
        Err(e)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params);
        self.state.set_encoding(enc);
        let caps = &params.capabilities;
        let work_done_progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let watched_files_dynamic = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let roots = roots_of(&params);
        if let Ok(mut c) = self.state.caps.write() {
            *c = super::server::ClientCaps {
                work_done_progress,
                watched_files_dynamic,
                roots: roots.clone(),
                init_options: params.initialization_options.clone(),
            };
        }
        for r in &roots {
            self.state.ws.add_root(r);
        }
        if let Some(opts) = &params.initialization_options {
            for m in self.apply_settings(opts) {
                tracing::warn!("initializationOptions: {m}");
            }
        }
        self.state.initialized.store(true, Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: features::capabilities(enc),
            server_info: Some(ServerInfo {
                name: "byline".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let init_opts = self
            .state
            .caps
            .read()
            .ok()
            .and_then(|c| c.init_options.clone());
        if let Some(opts) = init_opts {
            let msgs = self.apply_settings(&opts);
            for m in msgs {
                self.log(MessageType::WARNING, format!("byline: {m}")).await;
            }
        }
        // Never await the client inside a notification handler: a client that goes away
        // without answering would keep the handler (and shutdown) waiting forever.
        let this = Backend {
            state: self.state.clone(),
        };
        tokio::spawn(async move {
            this.register_watchers().await;
            this.publish_config_problems().await;
        });
        self.start_indexing();
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutting_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        // Synchronous: text stored before any await.
        let key = self.state.open(&params);
        let uri = params.text_document.uri;
        let path = self.state.path_of(&uri);
        if path.file_name().is_some_and(|n| n == config::FILE_NAME) {
            let (_, changed) = self
                .state
                .ws
                .set_config_text(&path, &params.text_document.text);
            if changed {
                self.config_changed().await;
            }
        }
        // First diagnostics at once, no debounce.
        if self.state.analyze_open(&key).await {
            self.state.publish(&uri, true).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Synchronous: every change applied in order before any await.
        let Some(generation) = self.state.change(&params) else {
            return;
        };
        let st = self.state.clone();
        let uri = params.text_document.uri;
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            let key = uri.as_str().to_string();
            if st.generation(&key) != generation {
                return; // a newer edit will publish
            }
            if st.analyze_open(&key).await && st.generation(&key) == generation {
                let path = st.docs.get(&key).map(|d| d.path.clone());
                st.publish(&uri, true).await;
                if let Some(p) =
                    path.filter(|p| p.file_name().is_some_and(|n| n == config::FILE_NAME))
                {
                    let text = st
                        .docs
                        .get(&key)
                        .map(|d| d.rope.to_string())
                        .unwrap_or_default();
                    let (_, changed) = st.ws.set_config_text(&p, &text);
                    if changed {
                        let st2 = st.clone();
                        let _ = tokio::task::spawn_blocking(move || st2.ws.reanalyze_all()).await;
                        st.republish_open().await;
                    }
                }
            }
        });
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(path) = self.state.close(&uri) {
            let st = self.state.clone();
            let p2 = path.clone();
            let _ = tokio::task::spawn_blocking(move || reload_from_disk(&st.ws, &p2)).await;
        }
        // Clear diagnostics of closed non-workspace documents.
        let path = self.state.path_of(&uri);
        if self.state.ws.file_by_path(&path).is_none() {
            self.state
                .client
                .publish_diagnostics(uri, vec![], None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let msgs = self.apply_settings(&params.settings);
        for m in msgs {
            self.log(MessageType::WARNING, format!("byline: {m}")).await;
        }
        self.config_changed().await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        for f in &params.event.removed {
            if let Some(p) = convert::uri_to_path(&f.uri) {
                self.state.ws.remove_root(&p);
            }
        }
        let mut added = Vec::new();
        for f in &params.event.added {
            if let Some(p) = convert::uri_to_path(&f.uri) {
                self.state.ws.add_root(&p);
                added.push(p);
            }
        }
        if !added.is_empty() {
            let st = self.state.clone();
            let _ = tokio::task::spawn_blocking(move || st.ws.scan(&added, &|_, _| {})).await;
            self.state.republish_open().await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_touched = false;
        for ev in params.changes {
            let Some(path) = convert::uri_to_path(&ev.uri).map(|p| crate::workspace::normalize(&p))
            else {
                continue;
            };
            if path.file_name().is_some_and(|n| n == config::FILE_NAME) {
                if self.state.docs.iter().any(|d| d.path == path) {
                    continue; // the open buffer is authoritative
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let (problems, changed) = self.state.ws.set_config_text(&path, &text);
                let t = Text::new(&text, self.state.encoding());
                let diags = problems
                    .iter()
                    .map(|p| convert::config_diagnostic(&t, p))
                    .collect();
                self.state
                    .client
                    .publish_diagnostics(ev.uri.clone(), diags, None)
                    .await;
                config_touched |= changed;
                continue;
            }
            let st = self.state.clone();
            let p2 = path.clone();
            let res = tokio::task::spawn_blocking(move || reload_from_disk(&st.ws, &p2)).await;
            if let Ok(Err(msg)) = res {
                self.log(MessageType::WARNING, format!("byline: {msg}"))
                    .await;
            }
        }
        if config_touched {
            self.config_changed().await;
        } else {
            self.state.republish_open().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        timed("hover", features::hover(&self.state, params)).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        timed("definition", features::definition(&self.state, params)).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        // Normally answered by `lsp::direct` before tower-lsp routes the request here.
        let answer = timed("references", features::references(&self.state, params)).await;
        answer.map(|r| r.map(features::References::into_locations))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        features::highlight(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        features::document_symbols(&self.state, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        features::workspace_symbols(&self.state, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        features::code_lens(&self.state, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        features::inlay_hints(&self.state, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        features::prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        features::rename(&self.state, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        features::code_actions(&self.state, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        features::semantic_tokens(&self.state, params).await
    }
}

/// Await a request handler and log its duration at debug level (`BYLINE_LOG=byline::timing=debug`),
/// for server-side latency figures.
pub(crate) async fn timed<T>(request: &'static str, f: impl std::future::Future<Output = T>) -> T {
    let started = std::time::Instant::now();
    let answer = f.await;
    tracing::debug!(target: "byline::timing", request, ms = started.elapsed().as_secs_f64() * 1e3);
    answer
}
