// Pure helpers of the Byline extension: no `vscode` import, so they run under
// `node --test` (test/unit/) without an editor.
import * as os from 'os';
import * as path from 'path';

// ------------------------------------------------------------------ server ---

export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * `byline.server.path` + `byline.server.args` -> the process to spawn.
 * The subcommand `lsp` always comes first; user args follow. No `--stdio` is
 * added (the client is created without `transport`, so args are passed verbatim).
 * A path with a directory part is resolved against the workspace folder; `~/`
 * is expanded; `${workspaceFolder}` is substituted. A bare name is left for PATH.
 */
export function serverCommand(
  serverPath: unknown,
  extraArgs: unknown,
  workspaceFolder?: string,
): ServerCommand {
  let command = typeof serverPath === 'string' && serverPath.trim() !== '' ? serverPath.trim() : 'byline';
  if (workspaceFolder) command = command.split('${workspaceFolder}').join(workspaceFolder);
  if (command === '~' || command.startsWith('~/')) command = path.join(os.homedir(), command.slice(1));
  const hasDir = command.includes('/') || command.includes('\\');
  if (hasDir && !path.isAbsolute(command) && workspaceFolder) command = path.resolve(workspaceFolder, command);
  const args = Array.isArray(extraArgs) ? extraArgs.filter((a): a is string => typeof a === 'string') : [];
  return { command, args: ['lsp', ...args] };
}

export interface DocumentFilter {
  scheme: string;
  language: string;
}

export const DEFAULT_LANGUAGES = ['markdown', 'plaintext'];

/** `byline.languages` -> the client's documentSelector (files and unsaved buffers). */
export function documentSelector(languages: unknown): DocumentFilter[] {
  let langs = Array.isArray(languages)
    ? languages.filter((l): l is string => typeof l === 'string' && l.trim() !== '').map((l) => l.trim())
    : [];
  if (langs.length === 0) langs = DEFAULT_LANGUAGES;
  const out: DocumentFilter[] = [];
  for (const language of [...new Set(langs)]) {
    for (const scheme of ['file', 'untitled']) out.push({ scheme, language });
  }
  return out;
}

/** A setting value as VS Code's `WorkspaceConfiguration.inspect` reports it. */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The value the user set explicitly (folder > workspace > user), or undefined. */
export function explicitValue<T>(i: Inspected<T> | undefined): T | undefined {
  if (!i) return undefined;
  if (i.workspaceFolderValue !== undefined) return i.workspaceFolderValue;
  if (i.workspaceValue !== undefined) return i.workspaceValue;
  return i.globalValue;
}

/**
 * The server's settings object (same keys as byline.toml), built only from
 * settings the user set explicitly, so that VS Code's defaults never override
 * a newsroom's byline.toml. Sent as initializationOptions and as
 * `workspace/didChangeConfiguration` `{ settings: { byline: <this> } }`.
 */
export function serverSettings(inspect: (key: string) => Inspected<unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rules = explicitValue(inspect('rules'));
  if (rules && typeof rules === 'object' && !Array.isArray(rules) && Object.keys(rules).length > 0) {
    out.rules = rules;
  }
  const hints = explicitValue(inspect('people.inlayHints'));
  if (typeof hints === 'boolean') out.people = { inlayHints: hints };
  const lens = explicitValue(inspect('codeLens'));
  if (typeof lens === 'boolean') out['code-lens'] = lens;
  return out;
}

/** Settings changes that need a new server process (vs. a didChangeConfiguration). */
export const RESTART_SETTINGS = ['byline.server.path', 'byline.server.args', 'byline.languages'];
export const LIVE_SETTINGS = ['byline.rules', 'byline.people.inlayHints', 'byline.codeLens'];

// ------------------------------------------------------------------ people ---

export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
/** SymbolInformation or WorkspaceSymbol (whose location may lack a range). */
export interface LspSymbol {
  name: string;
  kind?: number;
  containerName?: string;
  location: { uri: string; range?: LspRange };
}

export interface PersonItem {
  label: string;
  description: string;
  uri: string;
  range?: LspRange;
}

/**
 * workspace/symbol answer -> the people, sorted by name, without duplicates.
 * People are recognised by `containerName === "person"` (not by SymbolKind).
 * `relativeTo` (a folder path) shortens file paths in descriptions.
 */
export function peopleFromSymbols(symbols: unknown, relativeTo?: string): PersonItem[] {
  if (!Array.isArray(symbols)) return [];
  const seen = new Set<string>();
  const out: PersonItem[] = [];
  for (const s of symbols as LspSymbol[]) {
    if (!s || typeof s.name !== 'string' || s.containerName !== 'person') continue;
    if (!s.location || typeof s.location.uri !== 'string') continue;
    const range = s.location.range;
    const key = `${s.name}\u0000${s.location.uri}\u0000${range ? `${range.start.line}:${range.start.character}` : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let where = displayPath(s.location.uri, relativeTo);
    if (range) where += `:${range.start.line + 1}`;
    out.push({ label: s.name, description: where, uri: s.location.uri, range });
  }
  out.sort((a, b) => a.label.localeCompare(b.label) || a.description.localeCompare(b.description));
  return out;
}

/** file:// URI -> path relative to `root` when inside it, else the full path. */
export function displayPath(uri: string, root?: string): string {
  let p = uri;
  if (uri.startsWith('file://')) {
    try {
      p = decodeURIComponent(new URL(uri).pathname);
    } catch {
      p = uri.slice('file://'.length);
    }
  }
  if (root) {
    const rel = path.relative(root, p);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  }
  return p;
}

// ------------------------------------------------------------ byline check ---

export const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'] as const;

export interface CheckDiagnostic {
  range: LspRange;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}

export interface CheckFinding {
  path: string;
  line: number; // 1-based
  character: number; // 1-based, UTF-16 (what VS Code's columns count)
  severity: string;
  code: string;
  message: string;
}

export interface CheckSummary {
  files: number;
  filesWithFindings: number;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
  byCode: Record<string, number>;
  findings: CheckFinding[];
}

/** Arguments for `byline check` over a workspace folder (run with cwd = folder). */
export function checkArgs(extra: string[] = []): string[] {
  return ['check', '--format', 'json', ...extra, '.'];
}

/**
 * Parse `byline check --format json` output:
 *   {"version":1,"files":[{"path":P,"diagnostics":[LSP Diagnostic...]}]}
 * Relative paths are resolved against `cwd`. Throws on anything else.
 */
export function parseCheckOutput(stdout: string, cwd?: string): CheckSummary {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (e) {
    throw new Error(`byline check did not print JSON: ${(e as Error).message}`);
  }
  const d = doc as { version?: unknown; files?: unknown };
  if (!d || typeof d !== 'object' || d.version !== 1 || !Array.isArray(d.files)) {
    throw new Error('byline check JSON: expected {"version":1,"files":[...]}');
  }
  const s: CheckSummary = {
    files: 0, filesWithFindings: 0, errors: 0, warnings: 0, information: 0, hints: 0, byCode: {}, findings: [],
  };
  for (const f of d.files as { path?: unknown; diagnostics?: unknown }[]) {
    if (!f || typeof f.path !== 'string') continue;
    s.files++;
    const diags = Array.isArray(f.diagnostics) ? (f.diagnostics as CheckDiagnostic[]) : [];
    if (diags.length > 0) s.filesWithFindings++;
    const p = cwd && !path.isAbsolute(f.path) ? path.join(cwd, f.path) : f.path;
    for (const diag of diags) {
      const sev = diag.severity ?? 1; // LSP: a missing severity is the client's choice; count it as an error
      if (sev === 1) s.errors++;
      else if (sev === 2) s.warnings++;
      else if (sev === 3) s.information++;
      else s.hints++;
      const code = diag.code === undefined ? '' : String(diag.code);
      if (code) s.byCode[code] = (s.byCode[code] ?? 0) + 1;
      s.findings.push({
        path: p,
        line: (diag.range?.start?.line ?? 0) + 1,
        character: (diag.range?.start?.character ?? 0) + 1,
        severity: SEVERITY_NAMES[sev] || 'hint',
        code,
        message: diag.message,
      });
    }
  }
  return s;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line for a notification, e.g. "Byline: 2 errors, 5 warnings, 1 hint in 3 of 14 files". */
export function formatSummary(s: CheckSummary): string {
  const parts = [plural(s.errors, 'error'), plural(s.warnings, 'warning')];
  if (s.information) parts.push(plural(s.information, 'info message'));
  if (s.hints) parts.push(plural(s.hints, 'hint'));
  if (s.findings.length === 0) return `Byline: no findings in ${plural(s.files, 'file')}`;
  return `Byline: ${parts.join(', ')} in ${s.filesWithFindings} of ${plural(s.files, 'file')}`;
}

/** Lines for the "Byline Check" output channel (path:line:col, like a compiler). */
export function formatFindings(s: CheckSummary, root?: string): string[] {
  const lines = s.findings.map((f) => {
    const p = root ? displayPath(f.path, root) : f.path;
    return `${p}:${f.line}:${f.character}: ${f.severity}${f.code ? ` [${f.code}]` : ''}: ${f.message}`;
  });
  const codes = Object.entries(s.byCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (codes.length) lines.push('', 'by rule: ' + codes.map(([c, n]) => `${c} ${n}`).join(', '));
  lines.push(formatSummary(s));
  return lines;
}

/** Exit codes of `byline check`: 0 clean, 1 findings (both carry JSON), 2 usage/IO error. */
export function checkExitOk(code: number | null): boolean {
  return code === 0 || code === 1;
}
