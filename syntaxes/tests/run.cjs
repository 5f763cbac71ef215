#!/usr/bin/env node
// Grammar tests for syntaxes/byline.tmLanguage.json with vscode-tmgrammar-test.
//
// An injection grammar needs a host grammar. Every test file runs against
//   1. the small hosts in tests/hosts/ (our own minimal Markdown) + ../plaintext.tmLanguage.json
//      -- always, fully offline;
//   2. VS Code's real Markdown grammar, when one is installed (code-server's copy, or the
//      path in $BYLINE_MARKDOWN_GRAMMAR); "skipped" otherwise, or an error if
//      $BYLINE_REQUIRE_REAL_MARKDOWN=1.
// Exit code: 0 when every run passed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js', { paths: [root] });
const byline = path.join(root, 'byline.tmLanguage.json');
const plain = path.join(root, 'plaintext.tmLanguage.json');
const testFiles = (dir) => fs.readdirSync(dir)
  .filter((f) => /\.test\.(md|txt)$/.test(f))
  .map((f) => path.join(dir, f));
const tests = testFiles(__dirname);
// tests/minimal-host/: cases the test tool cannot run against VS Code's Markdown grammar
const miniOnly = testFiles(path.join(__dirname, 'minimal-host'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'byline-grammar-'));
const realMarkdownCandidates = [
  process.env.BYLINE_MARKDOWN_GRAMMAR,
  '/opt/code-server/node_modules/code-server/lib/vscode/extensions/markdown-basics/syntaxes/markdown.tmLanguage.json',
].filter(Boolean);
const realMarkdown = realMarkdownCandidates.find((p) => fs.existsSync(p));

// vscode-tmgrammar-test joins grammar paths to the config file's directory.
function config(markdownGrammar) {
  const rel = (p) => path.relative(tmp, p);
  return {
    contributes: {
      grammars: [
        { scopeName: 'text.byline.injection', path: rel(byline),
          injectTo: ['text.html.markdown', 'text.plain'] },
        { language: 'plaintext', scopeName: 'text.plain', path: rel(plain) },
        { language: 'markdown', scopeName: 'text.html.markdown', path: rel(markdownGrammar) },
      ],
    },
  };
}

let passed = 0, failed = 0, skipped = 0;

function run(name, markdownGrammar, files) {
  const cfg = path.join(tmp, `${name}.json`);
  fs.writeFileSync(cfg, JSON.stringify(config(markdownGrammar), null, 2));
  const r = spawnSync(process.execPath, [cli, '--config', cfg, ...files],
    { encoding: 'utf8', timeout: 60000 });
  // The real Markdown grammar embeds dozens of languages we don't load; hide those warnings.
  const noise = /^grammar not found for "/;
  const err = (r.stderr || '').split('\n').filter((l) => l && !noise.test(l));
  process.stdout.write((r.stdout || '').replace(/^/gm, `[${name}] `).replace(/\[[^\]]*\] $/, ''));
  if (err.length) process.stderr.write(err.map((l) => `[${name}] ${l}\n`).join(''));
  const ok = r.status === 0;
  console.log(`${ok ? 'PASS' : 'FAIL'}: grammar tests with ${name} host (${markdownGrammar})`);
  ok ? passed++ : failed++;
}

run('minimal', path.join(__dirname, 'hosts', 'markdown-mini.tmLanguage.json'), [...tests, ...miniOnly]);
if (realMarkdown) {
  run('vscode', realMarkdown, tests);
} else if (process.env.BYLINE_REQUIRE_REAL_MARKDOWN === '1') {
  console.log('FAIL: VS Code Markdown grammar not found (set BYLINE_MARKDOWN_GRAMMAR)');
  failed++;
} else {
  console.log('SKIP: VS Code Markdown grammar not installed (set BYLINE_MARKDOWN_GRAMMAR to test against it)');
  skipped++;
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`grammar: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
