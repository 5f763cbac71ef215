// Unit tests of the extension's pure helpers (no VS Code needed):
//   npm run compile && node --test test/unit/
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const h = require('../../out/helpers.js');

test('serverCommand: defaults to `byline lsp` on PATH', () => {
  assert.deepEqual(h.serverCommand(undefined, undefined), { command: 'byline', args: ['lsp'] });
  assert.deepEqual(h.serverCommand('  ', null), { command: 'byline', args: ['lsp'] });
});

test('serverCommand: extra args follow `lsp`; junk args dropped; no --stdio added', () => {
  const c = h.serverCommand('/opt/byline/bin/byline', ['--log', 'debug', 3, null]);
  assert.deepEqual(c, { command: '/opt/byline/bin/byline', args: ['lsp', '--log', 'debug'] });
  assert.ok(!c.args.includes('--stdio'));
});

test('serverCommand: relative, ~ and ${workspaceFolder} paths', () => {
  assert.equal(h.serverCommand('target/release/byline', [], '/news').command, '/news/target/release/byline');
  assert.equal(h.serverCommand('./bin/byline', [], '/news').command, '/news/bin/byline');
  assert.equal(h.serverCommand('${workspaceFolder}/b', [], '/news').command, '/news/b');
  assert.equal(h.serverCommand('~/bin/byline', []).command, path.join(os.homedir(), 'bin/byline'));
  // a bare name stays a PATH lookup even with a workspace folder
  assert.equal(h.serverCommand('byline', [], '/news').command, 'byline');
});

test('documentSelector: default languages, file + untitled, dedupe', () => {
  assert.deepEqual(h.documentSelector(undefined), [
    { scheme: 'file', language: 'markdown' },
    { scheme: 'untitled', language: 'markdown' },
    { scheme: 'file', language: 'plaintext' },
    { scheme: 'untitled', language: 'plaintext' },
  ]);
  assert.deepEqual(h.documentSelector([]).length, 4);
  assert.deepEqual(h.documentSelector(['mdx', 'mdx', ' ', 7]), [
    { scheme: 'file', language: 'mdx' },
    { scheme: 'untitled', language: 'mdx' },
  ]);
});

test('serverSettings: only explicitly set values, byline.toml keys', () => {
  const settings = {
    rules: { defaultValue: {}, workspaceValue: { 'weasel-word': 'off' } },
    'people.inlayHints': { defaultValue: false, globalValue: true },
    codeLens: { defaultValue: true },
  };
  assert.deepEqual(h.serverSettings((k) => settings[k]), {
    rules: { 'weasel-word': 'off' },
    people: { inlayHints: true },
  });
  // nothing set -> nothing sent (byline.toml stays in charge)
  assert.deepEqual(h.serverSettings(() => ({ defaultValue: true })), {});
  // folder beats workspace beats user
  assert.deepEqual(
    h.serverSettings((k) => (k === 'codeLens' ? { globalValue: true, workspaceValue: true, workspaceFolderValue: false } : undefined)),
    { 'code-lens': false },
  );
});

test('peopleFromSymbols: containerName person only, sorted, deduped, relative paths', () => {
  const r = (l, c) => ({ start: { line: l, character: c }, end: { line: l, character: c + 5 } });
  const syms = [
    { name: 'Sergei Ryabkov', kind: 14, containerName: 'person', location: { uri: 'file:///news/wire/a.txt', range: r(2, 4) } },
    { name: 'Geneva summit', kind: 24, containerName: 'event', location: { uri: 'file:///news/wire/a.txt', range: r(0, 0) } },
    { name: 'Margaret Ellison', kind: 13, containerName: 'person', location: { uri: 'file:///news/byline.toml' } },
    { name: 'Sergei Ryabkov', kind: 14, containerName: 'person', location: { uri: 'file:///news/wire/a.txt', range: r(2, 4) } },
    { name: 'Lena Holm', containerName: 'people', location: { uri: 'file:///news/x.md', range: r(1, 1) } },
    null,
  ];
  const people = h.peopleFromSymbols(syms, '/news');
  assert.deepEqual(people.map((p) => [p.label, p.description]), [
    ['Margaret Ellison', 'byline.toml'],
    ['Sergei Ryabkov', 'wire/a.txt:3'],
  ]);
  assert.deepEqual(people[1].range, r(2, 4));
  assert.deepEqual(h.peopleFromSymbols(null), []);
});

test('displayPath: decodes file URIs, keeps outside paths absolute', () => {
  assert.equal(h.displayPath('file:///news/op%20ed/x.md', '/news'), 'op ed/x.md');
  assert.equal(h.displayPath('file:///elsewhere/x.md', '/news'), '/elsewhere/x.md');
});

const sample = JSON.stringify({
  version: 1,
  files: [
    {
      path: 'drafts/d.txt',
      diagnostics: [
        { range: { start: { line: 4, character: 10 }, end: { line: 4, character: 20 } }, severity: 2, code: 'vague-attribution', source: 'byline', message: 'Vague attribution: "officials said"' },
        { range: { start: { line: 7, character: 0 }, end: { line: 7, character: 3 } }, severity: 1, code: 'stale-title', source: 'byline', message: 'Stale title' },
        { range: { start: { line: 9, character: 2 }, end: { line: 9, character: 8 } }, severity: 4, code: 'weasel-word', source: 'byline', message: 'Weasel word' },
        { range: { start: { line: 9, character: 12 }, end: { line: 9, character: 18 } }, severity: 2, code: 'vague-attribution', source: 'byline', message: 'again' },
      ],
    },
    { path: '/abs/wire/ok.txt', diagnostics: [] },
    { path: 'notes.md', diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity: 3, code: 'unknown-official', message: 'info' }] },
  ],
});

test('parseCheckOutput: counts by severity and code, 1-based positions, paths', () => {
  const s = h.parseCheckOutput(sample, '/news');
  assert.equal(s.files, 3);
  assert.equal(s.filesWithFindings, 2);
  assert.equal(s.errors, 1);
  assert.equal(s.warnings, 2);
  assert.equal(s.information, 1);
  assert.equal(s.hints, 1);
  assert.deepEqual(s.byCode, { 'vague-attribution': 2, 'stale-title': 1, 'weasel-word': 1, 'unknown-official': 1 });
  assert.deepEqual(s.findings[0], {
    path: '/news/drafts/d.txt', line: 5, character: 11, severity: 'warning', code: 'vague-attribution',
    message: 'Vague attribution: "officials said"',
  });
});

test('parseCheckOutput: rejects non-JSON and wrong shapes', () => {
  assert.throws(() => h.parseCheckOutput('error: no such file'), /did not print JSON/);
  assert.throws(() => h.parseCheckOutput('{"version":2,"files":[]}'), /expected/);
  assert.throws(() => h.parseCheckOutput('[]'), /expected/);
});

test('formatSummary / formatFindings', () => {
  const s = h.parseCheckOutput(sample, '/news');
  assert.equal(h.formatSummary(s), 'Byline: 1 error, 2 warnings, 1 info message, 1 hint in 2 of 3 files');
  const lines = h.formatFindings(s, '/news');
  assert.equal(lines[0], 'drafts/d.txt:5:11: warning [vague-attribution]: Vague attribution: "officials said"');
  assert.ok(lines.includes('by rule: vague-attribution 2, stale-title 1, unknown-official 1, weasel-word 1'));
  assert.equal(lines.at(-1), h.formatSummary(s));
  const clean = h.parseCheckOutput('{"version":1,"files":[{"path":"a.md","diagnostics":[]}]}');
  assert.equal(h.formatSummary(clean), 'Byline: no findings in 1 file');
});

test('checkArgs / checkExitOk follow the CLI contract', () => {
  assert.deepEqual(h.checkArgs(), ['check', '--format', 'json', '.']);
  assert.ok(h.checkExitOk(0));
  assert.ok(h.checkExitOk(1));
  assert.ok(!h.checkExitOk(2));
  assert.ok(!h.checkExitOk(null));
});

test('package.json: commands, settings, grammar injection, semantic token scopes', () => {
  const pkg = require('../../package.json');
  const cmds = pkg.contributes.commands.map((c) => c.command);
  assert.deepEqual(cmds.sort(), ['byline.checkWorkspace', 'byline.restartServer', 'byline.showPeople']);
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['byline.server.path'].default, 'byline');
  assert.deepEqual(props['byline.languages'].default, h.DEFAULT_LANGUAGES);
  assert.deepEqual(props['byline.trace.server'].enum, ['off', 'messages', 'verbose']);
  for (const k of [...h.RESTART_SETTINGS, ...h.LIVE_SETTINGS]) assert.ok(props[k], `setting ${k} is contributed`);
  const inj = pkg.contributes.grammars.find((g) => g.injectTo);
  assert.deepEqual(inj.injectTo, ['text.html.markdown', 'text.plain']);
  const grammar = require(path.join('../../', inj.path));
  assert.equal(grammar.scopeName, inj.scopeName);
  const scopes = pkg.contributes.semanticTokenScopes[0].scopes;
  for (const t of ['person', 'event', 'quotation', 'vagueSource']) assert.ok(scopes[t], `scope for ${t}`);
});
