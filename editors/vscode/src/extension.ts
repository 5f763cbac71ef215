// Byline for VS Code: runs `byline lsp` for Markdown / plain-text articles and
// adds three commands (restart, people in workspace, check workspace).
// Everything else (hover, diagnostics, rename, code actions, lenses, inlay hints,
// semantic tokens, indexing progress) is vscode-languageclient rendering the
// server's answers.
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import {
  LIVE_SETTINGS,
  RESTART_SETTINGS,
  checkArgs,
  checkExitOk,
  documentSelector,
  formatFindings,
  formatSummary,
  parseCheckOutput,
  peopleFromSymbols,
  serverCommand,
  serverSettings,
  type LspSymbol,
} from './helpers';

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let checkChannel: vscode.OutputChannel | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('byline');
}

function firstFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function currentSettings(): Record<string, unknown> {
  const cfg = config();
  return serverSettings((key) => cfg.inspect(key));
}

function createClient(): LanguageClient {
  const cfg = config();
  const { command, args } = serverCommand(cfg.get('server.path'), cfg.get('server.args'), firstFolder());
  // No `transport: TransportKind.stdio`: with it the client appends `--stdio`.
  // (`byline lsp` accepts it, but other wrappers users point server.path at may not.)
  const serverOptions: ServerOptions = {
    run: { command, args },
    debug: { command, args },
  };
  outputChannel ??= vscode.window.createOutputChannel('Byline');
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(cfg.get('languages')),
    initializationOptions: currentSettings(),
    outputChannel,
    middleware: {
      workspace: {
        // A pull of our section gets the server settings only (not server.path & co.).
        configuration: (params) =>
          params.items.map((item) => (item.section === 'byline' ? currentSettings() : null)),
      },
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{byline.toml,*.md,*.markdown,*.txt}'),
    },
  };
  // id "byline" => the client reads `byline.trace.server` by itself.
  return new LanguageClient('byline', 'Byline', serverOptions, clientOptions);
}

async function startClient(): Promise<void> {
  client = createClient();
  try {
    await client.start();
  } catch (e) {
    const { command } = serverCommand(config().get('server.path'), [], firstFolder());
    const pick = await vscode.window.showErrorMessage(
      `Byline: could not start the server (${command} lsp): ${(e as Error).message ?? e}`,
      'Open Settings',
    );
    if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'byline.server.path');
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    await c.stop(5000);
  } catch {
    // the process may already be gone
  }
  try {
    await c.dispose();
  } catch {
    // ignore
  }
}

async function restartServer(): Promise<void> {
  await stopClient();
  await startClient();
}

async function showPeople(): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('Byline: the server is not running.');
    return;
  }
  let symbols: LspSymbol[] | null;
  try {
    symbols = await client.sendRequest<LspSymbol[] | null>('workspace/symbol', { query: '' });
  } catch (e) {
    void vscode.window.showErrorMessage(`Byline: workspace/symbol failed: ${(e as Error).message ?? e}`);
    return;
  }
  const people = peopleFromSymbols(symbols ?? [], firstFolder());
  if (people.length === 0) {
    void vscode.window.showInformationMessage('Byline: no people found in this workspace.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    people.map((p) => ({ label: p.label, description: p.description, person: p })),
    { title: `People in workspace (${people.length})`, matchOnDescription: true, placeHolder: 'Type a name' },
  );
  if (!pick) return;
  const uri = vscode.Uri.parse(pick.person.uri);
  const r = pick.person.range;
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = r
    ? client.protocol2CodeConverter.asRange(r)
    : new vscode.Range(0, 0, 0, 0);
  await vscode.window.showTextDocument(doc, { selection: range });
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      let code: number | null = 0;
      let why = '';
      if (err) {
        const c = (err as NodeJS.ErrnoException & { code?: unknown }).code;
        if (typeof c === 'number') {
          code = c; // the process ran and exited non-zero
        } else {
          code = null; // not started (ENOENT...) or killed by the timeout
          why = err.message;
        }
      }
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || why });
    });
  });
}

async function checkWorkspace(): Promise<void> {
  const folder = firstFolder();
  if (!folder) {
    void vscode.window.showWarningMessage('Byline: open a folder to check it.');
    return;
  }
  const { command } = serverCommand(config().get('server.path'), [], folder);
  const args = checkArgs();
  checkChannel ??= vscode.window.createOutputChannel('Byline Check');
  checkChannel.clear();
  checkChannel.appendLine(`$ ${command} ${args.join(' ')}    (in ${folder})`);
  const res = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Byline: checking workspace' },
    () => run(command, args, folder),
  );
  if (!checkExitOk(res.code)) {
    checkChannel.appendLine(res.stderr.trim() || `exit code ${res.code}`);
    checkChannel.show(true);
    void vscode.window.showErrorMessage(`Byline: check failed (${res.stderr.trim().split('\n')[0] || `exit ${res.code}`})`);
    return;
  }
  let summary;
  try {
    summary = parseCheckOutput(res.stdout, folder);
  } catch (e) {
    checkChannel.appendLine(String((e as Error).message));
    checkChannel.show(true);
    void vscode.window.showErrorMessage(`Byline: ${(e as Error).message}`);
    return;
  }
  for (const line of formatFindings(summary, folder)) checkChannel.appendLine(line);
  const msg = formatSummary(summary);
  const show = summary.findings.length ? 'Show Output' : undefined;
  const pick = await (summary.errors
    ? vscode.window.showWarningMessage(msg, ...(show ? [show] : []))
    : vscode.window.showInformationMessage(msg, ...(show ? [show] : [])));
  if (pick) checkChannel.show(true);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('byline.restartServer', restartServer),
    vscode.commands.registerCommand('byline.showPeople', showPeople),
    vscode.commands.registerCommand('byline.checkWorkspace', checkWorkspace),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        await restartServer();
      } else if (LIVE_SETTINGS.some((s) => e.affectsConfiguration(s)) && client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { byline: currentSettings() },
        });
      }
    }),
    { dispose: () => void stopClient() },
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
