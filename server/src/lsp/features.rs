//! Request handlers: convert positions at the edge, ask the workspace, build protocol answers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert::Text;
use super::position::Encoding;
use super::server::State;
use crate::analysis::{MentionForm, SourceKind, Span};
use crate::config;
use crate::workspace::{FileEntry, FileId, FileMentions, Item, Location as WsLocation, Resolution};

pub const TOKEN_TYPES: &[&str] = &["person", "event", "quotation", "vagueSource"];
pub const TOKEN_MODIFIERS: &[&str] = &["declaration"];

pub fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: TOKEN_TYPES
                        .iter()
                        .map(|t| SemanticTokenType::new(t))
                        .collect(),
                    token_modifiers: TOKEN_MODIFIERS
                        .iter()
                        .map(|t| SemanticTokenModifier::new(t))
                        .collect(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(false),
                ..Default::default()
            },
        )),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

/// Entry + offset for a position request; `None` for unknown documents.
async fn at(st: &Arc<State>, uri: &Uri, pos: Position) -> Option<(Arc<FileEntry>, usize)> {
    let entry = st.entry(uri).await?;
    let offset = Text::new(&entry.text, st.encoding()).offset(pos);
    Some((entry, offset))
}

/// Protocol locations, in the order given (the workspace lists them by path, then position):
/// one file lookup, one URI and the file's line table per run of locations in one file.
fn locations(st: &State, locs: &[WsLocation]) -> Vec<Location> {
    let mut out = Vec::with_capacity(locs.len());
    for run in locs.chunk_by(|a, b| a.file == b.file) {
        if let Some(f) = st.ws.file(run[0].file) {
            push_locations(&mut out, st, &f, run.iter().map(|l| &l.span));
        }
    }
    out
}

/// Locations of spans in one file: one URI, positions from the file's line table.
fn push_locations<'a>(
    out: &mut Vec<Location>,
    st: &State,
    f: &FileEntry,
    spans: impl Iterator<Item = &'a Span>,
) {
    let Some(uri) = st.uri_of_file(f.id, &f.path) else {
        return;
    };
    let enc = st.encoding();
    out.extend(spans.map(|s| Location {
        uri: uri.clone(),
        range: outline_range(f, s, enc),
    }));
}

/// The protocol range of a span of any workspace file, open or outline-only.
fn outline_range(f: &FileEntry, span: &Span, enc: Encoding) -> Range {
    let ((l0, c0), (l1, c1)) = f.outline.lines.span(span.start, span.end, enc);
    Range {
        start: Position::new(l0, c0),
        end: Position::new(l1, c1),
    }
}

/// The person cluster key at a position, if the mention resolves.
fn person_key(item: &Item) -> Option<&str> {
    match item {
        Item::Person {
            resolution: Resolution::Person(k),
            ..
        } => Some(k),
        _ => None,
    }
}

// -- hover ------------------------------------------------------------------------------------

fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '`' | '<' | '>' | '#' | '\\') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// `[path:line](uri#Lline)` link for a location.
fn link(st: &State, loc: &WsLocation) -> String {
    let Some(f) = st.ws.file(loc.file) else {
        return String::new();
    };
    let line = f.outline.lines.position(loc.span.start, Encoding::Utf16).0 + 1;
    let name = display_path(st, &loc.path);
    match st.uri_of(&loc.path) {
        Some(u) => format!("[{}:{}]({}#L{})", md_escape(&name), line, u.as_str(), line),
        None => format!("{name}:{line}"),
    }
}

/// Path relative to its workspace root, for display.
fn display_path(st: &State, p: &Path) -> String {
    match st.ws.root_of(p) {
        Some(r) => p
            .strip_prefix(&r)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned(),
        None => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

pub fn person_hover_markdown(st: &State, key: &str, date: Option<chrono::NaiveDate>) -> String {
    let info = st.ws.person_info(key, date);
    let mut md = format!("### {}\n", md_escape(&info.name));
    if let Some(kb) = &info.kb {
        if let Some(d) = &kb.description {
            md.push_str(&format!("\n{}\n", md_escape(d)));
        }
        match &info.current_role {
            Some(r) => {
                let org = r
                    .organization
                    .as_deref()
                    .map(|o| format!(", {o}"))
                    .unwrap_or_default();
                let since = r.from.map(|f| format!(" (since {f})")).unwrap_or_default();
                md.push_str(&format!(
                    "\n**{}{}**{}\n",
                    md_escape(&r.title),
                    md_escape(&org),
                    since
                ));
            }
            None => {
                if let Some(r) = kb.roles.last() {
                    let until = r.to.map(|t| format!(" until {t}")).unwrap_or_default();
                    md.push_str(&format!(
                        "\nNo current role in the knowledge base (last: {}{})\n",
                        md_escape(&r.title),
                        until
                    ));
                }
            }
        }
        if kb.roles.len() > 1 {
            md.push_str("\nRoles on record:\n");
            for r in &kb.roles {
                let from = r.from.map(|d| d.to_string()).unwrap_or_else(|| "?".into());
                let to =
                    r.to.map(|d| d.to_string())
                        .unwrap_or_else(|| "present".into());
                let org = r
                    .organization
                    .as_deref()
                    .map(|o| format!(", {o}"))
                    .unwrap_or_default();
                md.push_str(&format!(
                    "- {}{} ({from} – {to})\n",
                    md_escape(&r.title),
                    md_escape(&org)
                ));
            }
        }
    }
    if !info.roles.is_empty() {
        md.push_str("\n**In the articles**\n");
        for g in info.roles.iter().take(8) {
            // `places` holds the first `ROLE_PLACES` of the group's `count` mentions.
            let links: Vec<String> = g.places.iter().map(|l| link(st, l)).collect();
            let more = if g.count > g.places.len() {
                format!(", +{} more", g.count - g.places.len())
            } else {
                String::new()
            };
            md.push_str(&format!(
                "- “{}” ×{} ({}{more})\n",
                md_escape(&g.text),
                g.count,
                links.join(", ")
            ));
        }
    }
    md.push_str(&format!(
        "\nMentioned in {} {} ({} {})",
        info.files,
        if info.files == 1 {
            "article"
        } else {
            "articles"
        },
        info.mentions,
        if info.mentions == 1 {
            "mention"
        } else {
            "mentions"
        }
    ));
    if let Some(first) = &info.first_mention {
        md.push_str(&format!("; first: {}", link(st, first)));
    }
    md.push('\n');
    for w in &info.warnings {
        md.push_str(&format!("\n⚠ {}\n", md_escape(w)));
    }
    md
}

fn event_hover_markdown(st: &State, key: &str) -> Option<String> {
    let s = st.ws.event_summary(key)?;
    let mut md = format!("### {}\n", md_escape(&s.name));
    let mut facts = Vec::new();
    if let Some(d) = s.date {
        facts.push(format!("**Date:** {d}"));
    }
    if let Some(p) = &s.place {
        facts.push(format!("**Place:** {}", md_escape(p)));
    }
    if !facts.is_empty() {
        md.push_str(&format!("\n{}\n", facts.join(" · ")));
    }
    if !s.participants.is_empty() {
        let names: Vec<String> = s
            .participants
            .iter()
            .map(|p| {
                // Link participants to their first mention when we know them.
                let key = if st.ws.kb_person(&format!("kb:{p}")).is_some() {
                    format!("kb:{p}")
                } else {
                    p.clone()
                };
                let info = st.ws.person_info(&key, None);
                match &info.first_mention {
                    Some(l) if info.mentions > 0 => {
                        let line_link = link(st, l);
                        format!("{} ({line_link})", md_escape(&info.name))
                    }
                    _ => md_escape(p),
                }
            })
            .collect();
        md.push_str(&format!("\n**Participants:** {}\n", names.join(", ")));
    }
    let mentions = st.ws.event_mentions(key);
    let mut seen = HashSet::new();
    let firsts: Vec<&WsLocation> = mentions.iter().filter(|l| seen.insert(l.file)).collect();
    md.push_str(&format!(
        "\n**Covered in {} {}**\n",
        firsts.len(),
        if firsts.len() == 1 {
            "article"
        } else {
            "articles"
        }
    ));
    for l in firsts.iter().take(12) {
        md.push_str(&format!("- {}\n", link(st, l)));
    }
    if firsts.len() > 12 {
        md.push_str(&format!("- … and {} more\n", firsts.len() - 12));
    }
    Some(md)
}

pub async fn hover(st: &Arc<State>, p: HoverParams) -> Result<Option<Hover>> {
    let pp = p.text_document_position_params;
    let Some((entry, offset)) = at(st, &pp.text_document.uri, pp.position).await else {
        return Ok(None);
    };
    let t = Text::new(&entry.text, st.encoding());
    let Some(item) = st.ws.item_at(entry.id, offset) else {
        return Ok(quote_hover(&entry, offset).map(|(span, md)| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            }),
            range: Some(t.range(&span)),
        }));
    };
    let (span, md) = match &item {
        Item::Person {
            mention,
            resolution,
        } => {
            let m = &entry.analysis.people[*mention];
            let md = match resolution {
                Resolution::Person(k) => person_hover_markdown(st, k, entry.analysis.meta.date),
                Resolution::Ambiguous(keys) => {
                    let names: Vec<String> = keys.iter().map(|k| st.ws.person_name(k)).collect();
                    format!(
                        "### {}\n\n⚠ Ambiguous surname: the workspace has {} people called {}: {}. Use the full name on first reference.\n",
                        md_escape(&m.text),
                        names.len(),
                        md_escape(&m.surname),
                        names.iter().map(|n| md_escape(n)).collect::<Vec<_>>().join(", ")
                    )
                }
                Resolution::Unknown => format!("### {}\n\nNot identified.\n", md_escape(&m.text)),
            };
            (m.span.clone(), md)
        }
        Item::Event { mention, key } => {
            let m = &entry.analysis.events[*mention];
            let md = key
                .as_deref()
                .and_then(|k| event_hover_markdown(st, k))
                .unwrap_or_else(|| {
                    format!("### {}\n\nEvent ({:?})\n", md_escape(&m.text), m.class)
                });
            (m.span.clone(), md)
        }
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: Some(t.range(&span)),
    }))
}

/// Hover on a quotation: who said it (with the role the article gives them), or that no
/// speaker was found.
fn quote_hover(entry: &FileEntry, offset: usize) -> Option<(Span, String)> {
    let (q, att) = entry.analysis.quote_at(offset)?;
    let text = &entry.text;
    let md = match att {
        Some(a) if !a.source.is_empty() => {
            let m = entry.analysis.speaker_mention(a);
            let who = m
                .map(|m| m.name.to_string())
                .unwrap_or_else(|| text.get(a.source.clone()).unwrap_or("").to_string());
            let role = m
                .and_then(|m| m.title.as_ref())
                .map(|r| format!(", {}", md_escape(&r.text)))
                .unwrap_or_default();
            let cue = text.get(a.cue.clone()).unwrap_or("");
            format!(
                "**Quotation** — speaker: **{}**{role} (“{}”)\n",
                md_escape(&who),
                md_escape(cue)
            )
        }
        _ => "**Quotation** — no speaker found: say who said it.\n".to_string(),
    };
    Some((q.span.clone(), md))
}

// -- definition / references / highlight --------------------------------------------------------

/// The KB entry location of a person or event cluster, if it has one.
fn kb_location(st: &State, key: &str, event: bool) -> Option<Location> {
    let id = key.strip_prefix("kb:")?;
    for root in st.ws.roots() {
        let cfg = st.ws.config_for(&root.join("x"));
        let span = if event {
            cfg.kb.event_by_id(id).map(|e| e.span.clone())
        } else {
            cfg.kb.person_by_id(id).map(|p| p.span.clone())
        };
        let (Some(span), Some(path)) = (span, cfg.path.clone()) else {
            continue;
        };
        let text = st
            .docs
            .iter()
            .find(|d| d.path == path)
            .map(|d| d.rope.to_string())
            .or_else(|| std::fs::read_to_string(&path).ok())?;
        let t = Text::new(&text, st.encoding());
        return Some(Location {
            uri: st.uri_of(&path)?,
            range: t.range(&span),
        });
    }
    None
}

/// Where a declaration is: a knowledge-base entry, or one of the mentions themselves.
enum Decl {
    Kb(Location),
    Mention(FileId, Span),
}

/// Declaration of a person: KB entry, else first full-name mention in the workspace.
fn person_declaration(st: &State, key: &str) -> Option<Decl> {
    if let Some(l) = kb_location(st, key, false) {
        return Some(Decl::Kb(l));
    }
    let first = st.ws.person_info(key, None).first_mention.clone()?;
    Some(Decl::Mention(first.file, first.span))
}

/// Declaration of an event: KB entry, else the earliest article's first mention (undated
/// articles last; ties in path order). `groups` are the event's mentions, if already at hand.
fn event_declaration(st: &State, key: &str, groups: Option<&[FileMentions]>) -> Option<Decl> {
    if let Some(l) = kb_location(st, key, true) {
        return Some(Decl::Kb(l));
    }
    let owned;
    let groups = match groups {
        Some(g) => g,
        None => {
            owned = st.ws.event_mention_groups(key);
            &owned
        }
    };
    // Groups come in path order with sorted spans; `min_by_key` keeps the first minimum.
    let (f, spans) = groups
        .iter()
        .filter(|g| !g.1.is_empty())
        .min_by_key(|(f, _)| (f.outline.date.is_none(), f.outline.date))?;
    Some(Decl::Mention(f.id, spans[0].clone()))
}

fn decl_location(st: &State, d: Decl) -> Option<Location> {
    match d {
        Decl::Kb(l) => Some(l),
        Decl::Mention(id, span) => {
            let f = st.ws.file(id)?;
            Some(Location {
                uri: st.uri_of_file(f.id, &f.path)?,
                range: outline_range(&f, &span, st.encoding()),
            })
        }
    }
}

pub async fn definition(
    st: &Arc<State>,
    p: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let pp = p.text_document_position_params;
    let Some((entry, offset)) = at(st, &pp.text_document.uri, pp.position).await else {
        return Ok(None);
    };
    let decl = match st.ws.item_at(entry.id, offset) {
        Some(ref it @ Item::Person { .. }) => {
            person_key(it).and_then(|k| person_declaration(st, k))
        }
        Some(Item::Event { key: Some(k), .. }) => event_declaration(st, &k, None),
        None => {
            // On a quotation: its speaker's mention in this article.
            let speaker = entry.analysis.quote_at(offset).and_then(|(_, a)| {
                let a = a.filter(|a| !a.source.is_empty())?;
                Some(
                    entry
                        .analysis
                        .speaker_mention(a)
                        .map_or(a.source.clone(), |m| m.span.clone()),
                )
            });
            if let Some(span) = speaker {
                let t = Text::new(&entry.text, st.encoding());
                return Ok(Some(GotoDefinitionResponse::Scalar(Location {
                    uri: pp.text_document.uri.clone(),
                    range: t.range(&span),
                })));
            }
            None
        }
        _ => None,
    };
    Ok(decl
        .and_then(|d| decl_location(st, d))
        .map(GotoDefinitionResponse::Scalar))
}

/// A references answer: the knowledge-base declaration first when asked for, then every
/// mention grouped by file, in path order. It writes the protocol's `Location[]` straight
/// to JSON (see `lsp::direct`: no `Location` or JSON tree per mention), or converts to
/// `Vec<Location>`.
pub struct References {
    st: Arc<State>,
    first: Option<Location>,
    groups: Vec<FileMentions>,
}

impl References {
    pub fn len(&self) -> usize {
        self.first.iter().count() + self.groups.iter().map(|g| g.1.len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each file's URI and the protocol range of each of its mentions.
    fn for_each(&self, mut f: impl FnMut(&Uri, Range)) {
        self.for_each_file(|file, uri, spans, enc| {
            for span in spans {
                f(uri, outline_range(file, span, enc));
            }
        });
    }

    /// Each file with its URI and its mentions' spans.
    fn for_each_file(&self, f: impl FnMut(&FileEntry, &Uri, &[Span], Encoding)) {
        Self::files(&self.st, &self.groups, f)
    }

    fn files(
        st: &State,
        groups: &[FileMentions],
        mut f: impl FnMut(&FileEntry, &Uri, &[Span], Encoding),
    ) {
        let enc = st.encoding();
        let files = groups.iter().map(|g| (g.0.id, &*g.0.path));
        st.each_file_uri(files, |i, uri| {
            let (file, spans) = &groups[i];
            f(file, uri, spans, enc);
        });
    }

    pub fn into_locations(self) -> Vec<Location> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.first.clone());
        self.for_each(|uri, range| {
            out.push(Location {
                uri: uri.clone(),
                range,
            })
        });
        out
    }

    /// The protocol's `Location[]` as JSON, written straight from the outlines: each file's
    /// URI is escaped once, and only numbers are formatted per mention. Big answers are
    /// written in two halves on two threads.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        /// Below this many mentions, a second thread costs more than it saves.
        const SPLIT_FROM: usize = 2_000;
        self.write_json_split(out, SPLIT_FROM)
    }

    fn write_json_split(&self, out: &mut Vec<u8>, split_from: usize) {
        let total = self.len();
        // Mentions plus a typical URI: one allocation for the whole answer.
        out.reserve(total * 160);
        out.push(b'[');
        let mut any = false;
        if let Some(l) = &self.first {
            // Cannot fail: a Location holds strings and numbers.
            let _ = serde_json::to_writer(&mut *out, l);
            any = true;
        }
        if total < split_from {
            Self::write_groups(&self.st, &self.groups, out, any);
        } else {
            let mut seen = 0;
            let mid = self
                .groups
                .iter()
                .position(|g| {
                    seen += g.1.len();
                    seen >= total / 2
                })
                .map_or(self.groups.len(), |i| i + 1);
            let (head, tail) = self.groups.split_at(mid);
            let mut second = Vec::new();
            let done = std::thread::scope(|scope| {
                let st = &self.st;
                let second = &mut second;
                let worker = scope.spawn(move || {
                    second.reserve((total / 2) * 160);
                    Self::write_groups(st, tail, second, true)
                });
                any |= Self::write_groups(&self.st, head, out, any);
                worker.join().is_ok()
            });
            if !done {
                tracing::error!("references: the second writer panicked; writing its half here");
                second.clear();
                Self::write_groups(&self.st, tail, &mut second, true);
            }
            // `second` starts with a separator, unneeded if nothing came before.
            out.extend_from_slice(&second[usize::from(!any).min(second.len())..]);
        }
        out.push(b']');
    }

    /// Append the locations of `groups` to `out`, each after a comma if `sep` or if one was
    /// written before it; whether any was written or `sep`.
    fn write_groups(st: &State, groups: &[FileMentions], out: &mut Vec<u8>, sep: bool) -> bool {
        let mut num = itoa::Buffer::new();
        let mut sep = if sep { "," } else { "" };
        let mut prefix = Vec::new();
        Self::files(st, groups, |file, uri, spans, enc| {
            prefix.clear();
            prefix.extend_from_slice(b"{\"uri\":");
            let _ = serde_json::to_writer(&mut prefix, uri.as_str());
            prefix.extend_from_slice(b",\"range\":{\"start\":{\"line\":");
            for span in spans {
                let r = outline_range(file, span, enc);
                out.extend_from_slice(sep.as_bytes());
                sep = ",";
                out.extend_from_slice(&prefix);
                out.extend_from_slice(num.format(r.start.line).as_bytes());
                out.extend_from_slice(b",\"character\":");
                out.extend_from_slice(num.format(r.start.character).as_bytes());
                out.extend_from_slice(b"},\"end\":{\"line\":");
                out.extend_from_slice(num.format(r.end.line).as_bytes());
                out.extend_from_slice(b",\"character\":");
                out.extend_from_slice(num.format(r.end.character).as_bytes());
                out.extend_from_slice(b"}}}");
            }
        });
        !sep.is_empty()
    }
}

pub async fn references(st: &Arc<State>, p: ReferenceParams) -> Result<Option<References>> {
    let pp = p.text_document_position;
    let Some((entry, offset)) = at(st, &pp.text_document.uri, pp.position).await else {
        return Ok(None);
    };
    let (mut groups, decl) = match st.ws.item_at(entry.id, offset) {
        Some(ref it @ Item::Person { .. }) => match person_key(it) {
            Some(k) => (st.ws.person_mention_groups(k), person_declaration(st, k)),
            None => return Ok(None),
        },
        Some(Item::Event { key: Some(k), .. }) => {
            let groups = st.ws.event_mention_groups(&k);
            let decl = event_declaration(st, &k, Some(&groups));
            (groups, decl)
        }
        _ => return Ok(None),
    };
    let mut first = None;
    match (p.context.include_declaration, decl) {
        // A KB entry is not a mention: list it first.
        (true, Some(Decl::Kb(l))) => first = Some(l),
        // The declaring mention is one of the groups': drop it.
        (false, Some(Decl::Mention(id, span))) => {
            if let Some(g) = groups.iter_mut().find(|g| g.0.id == id) {
                g.1.retain(|s| *s != span);
            }
        }
        _ => {}
    }
    Ok(Some(References {
        st: st.clone(),
        first,
        groups,
    }))
}

pub async fn highlight(
    st: &Arc<State>,
    p: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let pp = p.text_document_position_params;
    let Some((entry, offset)) = at(st, &pp.text_document.uri, pp.position).await else {
        return Ok(None);
    };
    let t = Text::new(&entry.text, st.encoding());
    let spans: Vec<Span> = match st.ws.item_at(entry.id, offset) {
        Some(ref it @ Item::Person { .. }) => match person_key(it) {
            Some(k) => st
                .ws
                .person_mentions(k)
                .into_iter()
                .filter(|l| l.file == entry.id)
                .map(|l| l.span)
                .collect(),
            None => return Ok(None),
        },
        Some(Item::Event { key: Some(k), .. }) => st
            .ws
            .event_mentions(&k)
            .into_iter()
            .filter(|l| l.file == entry.id)
            .map(|l| l.span)
            .collect(),
        _ => return Ok(None),
    };
    Ok(Some(
        spans
            .iter()
            .map(|s| DocumentHighlight {
                range: t.range(s),
                kind: Some(DocumentHighlightKind::TEXT),
            })
            .collect(),
    ))
}

// -- symbols, lenses, inlay hints ----------------------------------------------------------------

/// First mention per person cluster in a file: (key, mention index).
fn first_mentions(st: &State, entry: &FileEntry) -> Vec<(String, usize)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, m) in entry.analysis.people.iter().enumerate() {
        if let Some(Item::Person {
            resolution: Resolution::Person(k),
            ..
        }) = st.ws.item_at(entry.id, m.span.start)
        {
            if seen.insert(k.clone()) {
                out.push((k, i));
            }
        }
    }
    out
}

#[allow(deprecated)]
pub async fn document_symbols(
    st: &Arc<State>,
    p: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(entry) = st.entry(&p.text_document.uri).await else {
        return Ok(None);
    };
    let t = Text::new(&entry.text, st.encoding());
    let mut syms = Vec::new();
    for (key, i) in first_mentions(st, &entry) {
        let m = &entry.analysis.people[i];
        let detail = m.title.as_ref().map(|r| r.text.to_string());
        syms.push(DocumentSymbol {
            name: st.ws.person_name(&key),
            detail,
            kind: SymbolKind::CONSTANT,
            tags: None,
            deprecated: None,
            range: t.range(&m.span),
            selection_range: t.range(&m.span),
            children: None,
        });
    }
    let mut seen = HashSet::new();
    for (i, e) in entry.analysis.events.iter().enumerate() {
        let key = match st.ws.item_at(entry.id, e.span.start) {
            Some(Item::Event { key: Some(k), .. }) => k,
            _ => format!("local:{i}"),
        };
        if !seen.insert(key.clone()) || e.antecedent.is_some() {
            continue;
        }
        let name = st
            .ws
            .event_summary(&key)
            .map_or(e.text.to_string(), |s| s.name);
        syms.push(DocumentSymbol {
            name,
            detail: Some(format!("{:?}", e.class).to_lowercase()),
            kind: SymbolKind::EVENT,
            tags: None,
            deprecated: None,
            range: t.range(&e.span),
            selection_range: t.range(&e.span),
            children: None,
        });
    }
    syms.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    Ok(Some(DocumentSymbolResponse::Nested(syms)))
}

/// Case-insensitive subsequence match score (lower is better), `None` when no match.
fn fuzzy(query: &str, name: &str) -> Option<usize> {
    if query.is_empty() {
        return Some(0);
    }
    let name_l = crate::analysis::kb::name_key(name);
    let q = crate::analysis::kb::name_key(query);
    if let Some(i) = name_l.find(&q) {
        return Some(i);
    }
    let mut it = name_l.char_indices();
    let mut gaps = 0;
    let mut last = 0;
    for qc in q.chars().filter(|c| !c.is_whitespace()) {
        let (i, _) = it.find(|(_, c)| *c == qc)?;
        gaps += i - last;
        last = i;
    }
    Some(100 + gaps)
}

#[allow(deprecated)]
pub async fn workspace_symbols(
    st: &Arc<State>,
    p: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let st2 = st.clone();
    let q = p.query.clone();
    let res = tokio::task::spawn_blocking(move || {
        let ws = &st2.ws;
        // (name, kind, container, key): people and events, filtered by the query first.
        let people = ws
            .person_clusters()
            .into_iter()
            .map(|k| (ws.person_name(&k), SymbolKind::CONSTANT, "person", k));
        let events = ws
            .event_clusters()
            .into_iter()
            .filter_map(|k| Some((ws.event_summary(&k)?.name, SymbolKind::EVENT, "event", k)));
        let mut scored: Vec<(usize, String, SymbolInformation)> = Vec::new();
        for (name, kind, container, key) in people.chain(events) {
            let Some(score) = fuzzy(&q, &name) else {
                continue;
            };
            let mentions = if kind == SymbolKind::EVENT {
                ws.event_mentions(&key)
            } else {
                ws.person_mentions(&key)
            };
            let Some(location) = mentions
                .first()
                .and_then(|first| locations(&st2, std::slice::from_ref(first)).pop())
            else {
                continue;
            };
            scored.push((
                score,
                name.clone(),
                SymbolInformation {
                    name,
                    kind,
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: Some(container.into()),
                },
            ));
        }
        scored.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        scored.truncate(1000);
        scored.into_iter().map(|(_, _, s)| s).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    Ok(Some(WorkspaceSymbolResponse::Flat(res)))
}

pub async fn code_lens(st: &Arc<State>, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let Some(entry) = st.entry(&p.text_document.uri).await else {
        return Ok(None);
    };
    if !st.ws.config_for(&entry.path).settings.code_lens {
        return Ok(Some(Vec::new()));
    }
    let t = Text::new(&entry.text, st.encoding());
    let mut lenses = Vec::new();
    for (key, i) in first_mentions(st, &entry) {
        let m = &entry.analysis.people[i];
        let n = st.ws.files_mentioning(&key);
        lenses.push(CodeLens {
            range: t.range(&m.span),
            command: Some(Command {
                title: format!(
                    "{}: mentioned in {n} {}",
                    st.ws.person_name(&key),
                    if n == 1 { "article" } else { "articles" }
                ),
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    let mut seen = HashSet::new();
    for e in entry.analysis.events.iter() {
        let Some(Item::Event { key: Some(k), .. }) = st.ws.item_at(entry.id, e.span.start) else {
            continue;
        };
        if !seen.insert(k.clone()) {
            continue;
        }
        let mut files: Vec<u32> = st.ws.event_mentions(&k).iter().map(|l| l.file).collect();
        files.dedup();
        lenses.push(CodeLens {
            range: t.range(&e.span),
            command: Some(Command {
                title: format!(
                    "covered in {} {}",
                    files.len(),
                    if files.len() == 1 {
                        "article"
                    } else {
                        "articles"
                    }
                ),
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    Ok(Some(lenses))
}

pub async fn inlay_hints(st: &Arc<State>, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let Some(entry) = st.entry(&p.text_document.uri).await else {
        return Ok(None);
    };
    if !st.ws.config_for(&entry.path).settings.inlay_hints {
        return Ok(Some(Vec::new()));
    }
    let t = Text::new(&entry.text, st.encoding());
    let mut seen = HashSet::new();
    let mut hints = Vec::new();
    for (i, m) in entry.analysis.people.iter().enumerate() {
        if m.form != MentionForm::Surname {
            continue;
        }
        let Some(Item::Person {
            resolution: Resolution::Person(k),
            ..
        }) = st.ws.item_at(entry.id, m.span.start)
        else {
            continue;
        };
        if !seen.insert(k.clone()) {
            continue;
        }
        let info = st.ws.person_info(&k, entry.analysis.meta.date);
        let role = info
            .current_role
            .as_ref()
            .map(|r| r.title.clone())
            .or_else(|| info.roles.first().map(|g| g.text.clone()));
        if let Some(role) = role {
            let _ = i;
            hints.push(InlayHint {
                position: t.position(m.span.end),
                label: InlayHintLabel::String(format!(" ({role})")),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(false),
                padding_right: Some(false),
                data: None,
            });
        }
    }
    Ok(Some(hints))
}

// -- rename --------------------------------------------------------------------------------------

pub async fn prepare_rename(
    st: &Arc<State>,
    p: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some((entry, offset)) = at(st, &p.text_document.uri, p.position).await else {
        return Ok(None);
    };
    match st.ws.item_at(entry.id, offset) {
        Some(Item::Person {
            mention,
            resolution: Resolution::Person(k),
        }) => {
            let m = &entry.analysis.people[mention];
            if m.form == MentionForm::RoleOnly {
                return Ok(None);
            }
            let t = Text::new(&entry.text, st.encoding());
            Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: t.range(&m.span),
                placeholder: st.ws.person_name(&k),
            }))
        }
        _ => Ok(None),
    }
}

/// Last word of a name ("Sergei Ryabkov" → "Ryabkov").
fn last_word(s: &str) -> &str {
    crate::analysis::kb::surname_of(s)
}

/// The name a rename writes (`new_name` without surrounding white space), or why it cannot
/// be one: a name is written into every article and the knowledge base, so it must be one
/// line of printable text.
pub fn valid_new_name(new_name: &str) -> std::result::Result<&str, String> {
    if new_name.is_empty() {
        return Err("the new name is empty".into());
    }
    let name = new_name.trim();
    if name.is_empty() {
        return Err("the new name is only white space".into());
    }
    let line_break = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    if let Some(c) = new_name.chars().find(|c| line_break(*c)) {
        return Err(format!(
            "the new name contains a line break (U+{:04X}); a name is one line",
            c as u32
        ));
    }
    if let Some(c) = new_name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the new name contains a control character (U+{:04X})",
            c as u32
        ));
    }
    Ok(name)
}

pub async fn rename(st: &Arc<State>, p: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let pp = p.text_document_position;
    let new_name = valid_new_name(&p.new_name)
        .map_err(tower_lsp_server::jsonrpc::Error::invalid_params)?
        .to_string();
    let Some((entry, offset)) = at(st, &pp.text_document.uri, pp.position).await else {
        return Ok(None);
    };
    let Some(Item::Person {
        resolution: Resolution::Person(key),
        ..
    }) = st.ws.item_at(entry.id, offset)
    else {
        return Ok(None);
    };
    // Bring every open document's analysis up to date so spans match the editor's text.
    let open: Vec<String> = st.docs.iter().map(|d| d.key().clone()).collect();
    for k in open {
        if let Ok(u) = k.parse::<Uri>() {
            st.fresh_entry(&u).await;
        }
    }
    let old_name = st.ws.person_name(&key);
    let new_surname = last_word(&new_name).to_string();
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    let mut by_file: BTreeMap<u32, Vec<WsLocation>> = BTreeMap::new();
    for l in st.ws.person_mentions(&key) {
        by_file.entry(l.file).or_default().push(l);
    }
    for (fid, locs) in by_file {
        let Some(f) = st.ws.file(fid) else { continue };
        let Some(uri) = st.uri_of(&f.path) else {
            continue;
        };
        let enc = st.encoding();
        for l in locs {
            let Some(m) = f.outline.people.iter().find(|m| m.span() == l.span) else {
                continue;
            };
            let (span, text) = match m.form {
                MentionForm::FullName | MentionForm::Alias => (m.span(), new_name.clone()),
                MentionForm::Surname => (m.span(), new_surname.clone()),
                // Replace only the surname at the end of "President Macron".
                MentionForm::TitledSurname => (
                    (m.start + u32::from(m.last_word)) as usize..m.end as usize,
                    new_surname.clone(),
                ),
                MentionForm::RoleOnly => continue,
            };
            changes.entry(uri.clone()).or_default().push(TextEdit {
                range: outline_range(&f, &span, enc),
                new_text: text,
            });
        }
    }
    // The knowledge-base entry's name.
    if let Some((kb, Some(cfg_path))) = st.ws.kb_person(&key) {
        let text = st
            .docs
            .iter()
            .find(|d| d.path == cfg_path)
            .map(|d| d.rope.to_string())
            .or_else(|| std::fs::read_to_string(&cfg_path).ok());
        if let (Some(text), Some(uri)) = (text, st.uri_of(&cfg_path)) {
            let span = kb.name_span.clone();
            if let Some(raw) = text.get(span.clone()) {
                if raw.trim_matches('"') == kb.name {
                    let t = Text::new(&text, st.encoding());
                    changes.entry(uri).or_default().push(TextEdit {
                        range: t.range(&span),
                        new_text: format!("{:?}", new_name),
                    });
                }
            }
        }
    }
    tracing::info!("rename {old_name} → {new_name}: {} files", changes.len());
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        document_changes: None,
        change_annotations: None,
    }))
}

// -- code actions --------------------------------------------------------------------------------

/// Strip LSP snippet syntax (`${1:name}` → `name`, `$0` → ``) for plain text edits.
pub fn strip_snippet(s: &str) -> String {
    let mut out = String::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            out.push(b[i + 1]);
            i += 2;
        } else if b[i] == '$' && i + 1 < b.len() && b[i + 1] == '{' {
            // ${N:text}
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j < b.len() && b[j] == ':' {
                j += 1;
            }
            let mut depth = 1;
            let start = j;
            while j < b.len() {
                if b[j] == '{' {
                    depth += 1;
                } else if b[j] == '}' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            out.push_str(&strip_snippet(
                &b[start..j.min(b.len())].iter().collect::<String>(),
            ));
            i = j + 1;
        } else if b[i] == '$' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The "Add to knowledge base" edit for an unknown official.
fn add_to_kb_action(
    st: &State,
    entry: &FileEntry,
    span: &Span,
    diag: &Diagnostic,
) -> Option<CodeAction> {
    let m = entry
        .analysis
        .people
        .iter()
        .find(|m| m.span.start <= span.start && span.end <= m.span.end.max(span.end))?;
    let root = st
        .ws
        .root_of(&entry.path)
        .or_else(|| entry.path.parent().map(Path::to_path_buf))?;
    let cfg_path = root.join(config::FILE_NAME);
    // The entry itself is built in the analysis layer (one definition of its shape).
    let name = m.name.trim().to_string();
    let block = format!(
        "\n{}",
        crate::analysis::rules::people_rules::kb_entry_snippet(m, entry.analysis.meta.date)
    );
    let uri = st.uri_of(&cfg_path)?;
    let existing = st
        .docs
        .iter()
        .find(|d| d.path == cfg_path)
        .map(|d| d.rope.to_string())
        .or_else(|| std::fs::read_to_string(&cfg_path).ok());
    let edit = match existing {
        Some(text) => {
            let t = Text::new(&text, st.encoding());
            let end = t.position(text.len());
            let sep = if text.ends_with('\n') || text.is_empty() {
                ""
            } else {
                "\n"
            };
            WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri,
                    vec![TextEdit {
                        range: Range { start: end, end },
                        new_text: format!("{sep}{block}"),
                    }],
                )])),
                ..Default::default()
            }
        }
        None => WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(vec![
                DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                    uri: uri.clone(),
                    options: Some(CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                })),
                DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![OneOf::Left(TextEdit {
                        range: Range::default(),
                        new_text: format!("# Byline knowledge base and settings\n{block}"),
                    })],
                }),
            ])),
            ..Default::default()
        },
    };
    Some(CodeAction {
        title: format!("Add “{name}” to the knowledge base"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(edit),
        ..Default::default()
    })
}

pub async fn code_actions(
    st: &Arc<State>,
    p: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let Some(entry) = st.entry(&p.text_document.uri).await else {
        return Ok(None);
    };
    let t = Text::new(&entry.text, st.encoding());
    let start = t.offset(p.range.start);
    let end = t.offset(p.range.end);
    let uri = p.text_document.uri.clone();
    let mut actions = Vec::new();
    for f in st.ws.diagnostics(entry.id) {
        if f.span.end < start || f.span.start > end {
            continue;
        }
        let diag = super::convert::diagnostic(&t, Some(&uri), &f);
        for fix in &f.fixes {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: t.range(&e.span),
                    new_text: if e.snippet {
                        strip_snippet(&e.new_text)
                    } else {
                        e.new_text.clone()
                    },
                })
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(fix.preferred),
                ..Default::default()
            }));
        }
        if f.code == "unknown-official" {
            if let Some(a) = add_to_kb_action(st, &entry, &f.span, &diag) {
                actions.push(CodeActionOrCommand::CodeAction(a));
            }
        }
    }
    Ok(Some(actions))
}

// -- semantic tokens ---------------------------------------------------------------------------

pub async fn semantic_tokens(
    st: &Arc<State>,
    p: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let Some(entry) = st.entry(&p.text_document.uri).await else {
        return Ok(None);
    };
    let a = &entry.analysis;
    // (span, type, modifiers); people/events/vague sources win over quotations.
    let mut toks: Vec<(Span, u32, u32)> = Vec::new();
    let mut declared = HashSet::new();
    for m in &a.people {
        let decl = m.form == MentionForm::FullName && declared.insert(m.name.clone());
        toks.push((m.span.clone(), 0, u32::from(decl)));
    }
    for e in &a.events {
        toks.push((e.span.clone(), 1, 0));
    }
    for at in &a.attributions {
        if matches!(at.kind, SourceKind::Vague | SourceKind::Agentless)
            && at.source.start < at.source.end
        {
            toks.push((at.source.clone(), 3, 0));
        }
    }
    toks.sort_by_key(|t| (t.0.start, std::cmp::Reverse(t.0.end)));
    let mut primary: Vec<(Span, u32, u32)> = Vec::new();
    for t in toks {
        if primary.last().is_some_and(|l| t.0.start < l.0.end) {
            continue; // no overlaps
        }
        primary.push(t);
    }
    // Quotations, minus the parts covered by primary tokens.
    let mut all = primary.clone();
    for q in &a.quotes {
        let mut s = q.span.start;
        for pt in primary
            .iter()
            .filter(|p| p.0.start < q.span.end && p.0.end > q.span.start)
        {
            if pt.0.start > s {
                all.push((s..pt.0.start, 2, 0));
            }
            s = s.max(pt.0.end);
        }
        if s < q.span.end {
            all.push((s..q.span.end, 2, 0));
        }
    }
    all.sort_by_key(|t| t.0.start);
    let t = Text::new(&entry.text, st.encoding());
    let mut data = Vec::new();
    let (mut pl, mut pc) = (0u32, 0u32);
    for (span, ty, mods) in all {
        // Split multi-line tokens at line ends.
        let mut s = span.start;
        while s < span.end {
            let line_end = entry.text[s..span.end]
                .find(['\n', '\r'])
                .map_or(span.end, |i| s + i);
            if line_end > s {
                let a = t.position(s);
                let b = t.position(line_end);
                let delta_line = a.line - pl;
                let delta_start = if delta_line == 0 {
                    a.character - pc
                } else {
                    a.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character - a.character,
                    token_type: ty,
                    token_modifiers_bitset: mods,
                });
                pl = a.line;
                pc = a.character;
            }
            s = line_end;
            while s < span.end && matches!(entry.text.as_bytes()[s], b'\n' | b'\r') {
                s += 1;
            }
        }
    }
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_names_are_one_line_of_printable_text() {
        assert_eq!(valid_new_name("  Sergey Ryabkov "), Ok("Sergey Ryabkov"));
        assert_eq!(
            valid_new_name("Émile Zola-Ça 王毅"),
            Ok("Émile Zola-Ça 王毅")
        );
        for (bad, why) in [
            ("", "empty"),
            (" \u{a0}\u{3000}", "white space"),
            ("A\nB", "line break"),
            ("A\r\nB", "line break"),
            ("A B\n", "line break"),
            ("A\u{2028}B", "line break"),
            ("A\u{85}B", "line break"),
            ("A\tB", "control character"),
            ("A\u{0}B", "control character"),
            ("A\u{7f}B", "control character"),
            ("A\u{9b}B", "control character"),
        ] {
            let e = valid_new_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    /// The references JSON written by hand equals the serde serialisation of the same
    /// `Location`s: escaped URIs, UTF-16 columns after emoji and curly quotes, CRLF lines,
    /// a declaration listed first, every file and mention.
    #[tokio::test]
    async fn references_json_equals_serialised_locations() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("drafts – “Genève” #1");
        std::fs::create_dir_all(&sub).unwrap();
        let texts = [
            "Deputy Foreign Minister Sergei Ryabkov said on Monday that talks would resume.\n\n\
             “We are ready,” Ryabkov said. 🇷🇺 Ryabkov added: “no deadline.”\n",
            "Moscow 中文 — Ryabkov, the deputy foreign minister, told reporters.\r\n\r\n\
             Later, Mr. Ryabkov said 😀 nothing.\r\n",
            "Sergei Ryabkov met envoys in Geneva. Ryabkov declined to comment.\n",
        ];
        let paths: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let p = sub.join(format!("a{i} é.md"));
                std::fs::write(&p, t).unwrap();
                p
            })
            .collect();
        let (service, _socket) =
            tower_lsp_server::LspService::new(super::super::backend::Backend::new);
        let st = service.inner().state.clone();
        st.set_encoding(Encoding::Utf16);
        st.ws.add_root(dir.path());
        st.ws.scan(&paths, &|_, _| {});
        let key = st
            .ws
            .person_clusters()
            .into_iter()
            .max_by_key(|k| st.ws.person_mentions(k).len())
            .unwrap();
        let groups = st.ws.person_mention_groups(&key);
        assert_eq!(groups.len(), 3, "{key}");
        let first = Location {
            uri: st.uri_of(&dir.path().join("byline \"kb\".toml")).unwrap(),
            range: Range::default(),
        };
        for first in [None, Some(first)] {
            let refs = References {
                st: st.clone(),
                first,
                groups: groups.clone(),
            };
            let mut got = Vec::new();
            // One thread, and two (the split falls at half the mentions).
            for split_from in [usize::MAX, 0, 1, 4, 8] {
                let mut json = Vec::new();
                refs.write_json_split(&mut json, split_from);
                got.push(serde_json::from_slice::<serde_json::Value>(&json).unwrap());
            }
            let n = refs.len();
            let want = serde_json::to_value(refs.into_locations()).unwrap();
            for got in got {
                assert_eq!(got, want);
            }
            assert_eq!(want.as_array().unwrap().len(), n);
            assert!(n >= 7, "{n}");
        }
        let empty = References {
            st: st.clone(),
            first: None,
            groups: Vec::new(),
        };
        for split_from in [usize::MAX, 0] {
            let mut json = Vec::new();
            empty.write_json_split(&mut json, split_from);
            assert_eq!(json, b"[]");
        }
    }

    #[test]
    fn snippets_are_stripped() {
        assert_eq!(strip_snippet("${1:the analysts}"), "the analysts");
        assert_eq!(strip_snippet("[^1]: ${1:source}$0"), "[^1]: source");
        assert_eq!(strip_snippet("a \\$ b"), "a $ b");
    }

    #[test]
    fn fuzzy_matching() {
        assert_eq!(fuzzy("", "X"), Some(0));
        assert!(fuzzy("ryab", "Sergei Ryabkov").is_some());
        assert!(fuzzy("srk", "Sergei Ryabkov").is_some());
        assert!(fuzzy("zz", "Sergei Ryabkov").is_none());
        assert!(fuzzy("ryab", "Sergei Ryabkov") < fuzzy("srk", "Sergei Ryabkov"));
    }
}
