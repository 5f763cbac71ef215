// End-to-end test of the Byline extension in real VS Code (code-server) driven by
// headless Chromium through playwright-core. Started by test/e2e.sh, which
// installs everything, packages the .vsix, starts code-server and sets:
//   E2E_URL        workbench URL (…/?folder=WORKSPACE)
//   E2E_WORKSPACE  the workspace folder (a copy of tests/corpus)
//   E2E_FILE       Markdown article to open (relative to the workspace)
//   E2E_TXT_FILE   plain-text article (relative), for the text.plain grammar check
//   BYLINE_BIN     the server binary (expectations come from its CLI)
//   E2E_OUT        directory for screenshots
//   E2E_PERSON     person id in byline.toml (default sergei-ryabkov)
//   E2E_HOVER      word to hover (default Ryabkov: its first bare-surname use)
//   CHROMIUM       browser binary (default /usr/bin/chromium)
//   E2E_SETTINGS   a settings.json to write (default WORKSPACE/.vscode/settings.json): the test
//                  turns a rule off through it
// Prints "PASS: …" / "FAIL: …" per check and exits 1 if any check failed.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { chromium } = require('playwright-core');
const helpers = require('../out/helpers.js');

const env = (k, d) => process.env[k] || d;
const URL_ = env('E2E_URL');
const WS = env('E2E_WORKSPACE');
const FILE = env('E2E_FILE', 'daily-ledger/2026-03-13-geneva-analysis.md');
const TXT_FILE = env('E2E_TXT_FILE', 'wire/2026-03-12-geneva-talks.txt');
const BIN = env('BYLINE_BIN');
const OUT = env('E2E_OUT', '/tmp');
const PERSON = env('E2E_PERSON', 'sergei-ryabkov');
const HOVER = env('E2E_HOVER', 'Ryabkov');
const BUDGET_MS = Number(env('E2E_TIMEOUT_MS', '240000'));
const SETTINGS = env('E2E_SETTINGS', WS && path.join(WS, '.vscode', 'settings.json'));
const RULE_OFF = 'vague-attribution';

const results = [];
function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${detail ? ` -- ${detail}` : ''}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - T0) / 1000).toFixed(1)}s] ${what}`);

// ------------------------------------------------------------ expectations ---
function cli(args) {
  const r = spawnSync(BIN, args, { cwd: WS, encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${BIN} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function expectedForFile(rel, skipCode) {
  const r = cli(['check', '--format', 'json', rel]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`byline check exit ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  let skipped = 0;
  if (skipCode) {
    for (const f of doc.files) {
      const before = f.diagnostics.length;
      f.diagnostics = f.diagnostics.filter((d) => d.code !== skipCode);
      skipped += before - f.diagnostics.length;
    }
  }
  const s = helpers.parseCheckOutput(JSON.stringify(doc), WS);
  return { errors: s.errors, warnings: s.warnings, information: s.information, hints: s.hints, skipped, summary: s };
}

function rolesOf(personId) {
  const r = cli(['index', '--format', 'json', '.']);
  if (r.status !== 0) throw new Error(`byline index exit ${r.status}: ${r.stderr}`);
  const idx = JSON.parse(r.stdout);
  const p = (idx.people || []).find((x) => x.id === personId);
  if (!p) throw new Error(`byline index: no person ${personId}`);
  const titles = (p.roles || []).map((x) => (typeof x === 'string' ? x : x.title || x.name || '')).filter(Boolean);
  return { name: p.name, titles };
}

/** 1-based line/column (UTF-16, like VS Code) of the first bare use of `word`. */
function bareMention(rel, word) {
  const lines = fs.readFileSync(path.join(WS, rel), 'utf8').split(/\r?\n/);
  // not preceded by a capitalised word ("Sergei Ryabkov", "Mr. Ryabkov")
  const re = new RegExp(`(?<!\\p{Lu}[\\p{L}.]*\\s)(?<!\\p{L})${word}(?!\\p{L})`, 'u');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, col: m.index + 1, text: lines[i] };
  }
  throw new Error(`no bare "${word}" in ${rel}`);
}

/** 1-based position just inside the first straight or curly quotation of a line containing `word`. */
function quotePosition(rel) {
  const lines = fs.readFileSync(path.join(WS, rel), 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (/^(---|title:|date:|author:|section:)/.test(lines[i])) continue;
    const m = /["\u201c]([A-Za-z][^"\u201d]{4,})["\u201d]/.exec(lines[i]);
    if (m && i > 5) return { line: i + 1, col: m.index + 3, quote: m[1] };
  }
  throw new Error(`no quotation in ${rel}`);
}

// ---------------------------------------------------------------- browser ---
async function palette(page, text) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${text}`);
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
}

async function openFile(page, rel) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(rel);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first()
    .waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: path.basename(rel) }).waitFor({ timeout: 15000 });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

async function gotoPos(page, line, col) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`:${line}:${col}`); // keep the ":" prefix (go to line), else it is a file search
  await page.keyboard.press('Enter');
  await page.waitForTimeout(250);
}

async function problemCounts(page) {
  const t = await page.locator('[id="status.problems"]').first().innerText({ timeout: 5000 }).catch(() => '');
  const n = (t.match(/\d+/g) || []).map(Number);
  return { text: t.replace(/\s+/g, ' ').trim(), errors: n[0], warnings: n[1], info: n[2] ?? 0 };
}

/** Wait until the status bar shows `want` (or time out), requiring 1.5 s of stability. */
async function waitForCounts(page, want, ms) {
  const end = Date.now() + ms;
  let last, since = Date.now();
  for (;;) {
    const c = await problemCounts(page);
    if (!last || c.text !== last.text) since = Date.now();
    last = c;
    const match = c.errors === want.errors && c.warnings === want.warnings;
    if (match && Date.now() - since > 1500) return c;
    if (Date.now() > end) return c;
    await sleep(300);
  }
}

async function hoverText(page, line, col, tries = 8) {
  for (let i = 0; i < tries; i++) {
    await page.keyboard.press('Escape');
    await gotoPos(page, line, col);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:visible').first();
    try {
      await hover.waitFor({ timeout: 4000 });
      await page.waitForTimeout(600); // LSP hover can follow the diagnostic hover
      const t = (await hover.innerText({ timeout: 2000 })).trim();
      if (t && !/^Loading/.test(t)) return t;
    } catch (e) {
      // no widget yet: the server may still be indexing
      if (i === tries - 1) console.log(`  (no hover: ${String(e.message || e).split('\n')[0]})`);
    }
    await sleep(1500);
  }
  return '';
}

/** The "textmate scopes" row of the Inspect Editor Tokens widget (not the semantic part). */
function tmScopes(widgetText) {
  const m = /textmate scopes\s+([^\n]*(?:\n(?!foreground|background)[^\n]*)*)/.exec(widgetText);
  return m ? m[1].replace(/\s+/g, ' ').trim() : '';
}

async function inspectTokens(page, line, col) {
  await page.keyboard.press('Escape');
  await gotoPos(page, line, col);
  await palette(page, 'Developer: Inspect Editor Tokens and Scopes');
  const w = page.locator('.token-inspect-widget').first();
  try {
    await w.waitFor({ timeout: 8000 });
    await page.waitForTimeout(500);
    const t = await w.innerText();
    await page.keyboard.press('Escape');
    return t;
  } catch {
    return '';
  }
}

async function main() {
  const guard = setTimeout(() => {
    console.log(`FAIL: e2e did not finish within ${BUDGET_MS} ms`);
    process.exit(3);
  }, BUDGET_MS);
  const mdExpect = expectedForFile(FILE);
  const person = rolesOf(PERSON);
  const target = bareMention(FILE, HOVER);
  const quote = quotePosition(FILE);
  const txtQuote = quotePosition(TXT_FILE);
  console.log(`expect ${FILE}: ${mdExpect.errors} errors, ${mdExpect.warnings} warnings (byline check --format json); ` +
    `hover ${HOVER} at ${target.line}:${target.col}, roles ${JSON.stringify(person.titles)}`);

  const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  page.setDefaultTimeout(10000);
  try {
    const t0 = Date.now();
    await page.goto(URL_, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench .activitybar', { timeout: 60000 });
    console.log(`workbench loaded in ${Date.now() - t0} ms`);
    await page.waitForTimeout(1500);

    step(`open ${FILE}`);
    // 1. open the article; the Problems counts in the status bar must match the CLI.
    await openFile(page, FILE);
    const got = await waitForCounts(page, mdExpect, 45000);
    check(`status bar problems for ${FILE} match byline check (errors ${mdExpect.errors}, warnings ${mdExpect.warnings})`,
      got.errors === mdExpect.errors && got.warnings === mdExpect.warnings,
      `status bar "${got.text}" -> errors ${got.errors}, warnings ${got.warnings}`);

    step('hover');
    // 2. hover a person: the role from the knowledge base appears.
    const hv = await hoverText(page, target.line, target.col);
    const role = person.titles.find((t) => hv.toLowerCase().includes(t.toLowerCase()));
    check(`hover on "${HOVER}" (${target.line}:${target.col}) shows the role`, Boolean(role),
      `hover text: ${JSON.stringify(hv.slice(0, 400))}`);
    const shot = path.join(OUT, 'vscode-hover.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    await page.keyboard.press('Escape');

    step('inspect tokens');
    // 3. semantic token on the person, TextMate injection on a quotation (Markdown).
    const semTok = await inspectTokens(page, target.line, target.col);
    check('semantic token type "person" on the name', /semantic token type\s*person\b/i.test(semTok),
      JSON.stringify((/semantic token type\s*\S+/.exec(semTok) || [semTok.replace(/\s+/g, ' ').slice(0, 200)])[0]));
    const mdTok = await inspectTokens(page, quote.line, quote.col);
    check('grammar: TextMate scope string.quoted.double.byline on a quotation in Markdown',
      tmScopes(mdTok).includes('string.quoted.double.byline'), `textmate scopes: ${tmScopes(mdTok)}`);

    // 4. a setting reaches the server: turn a rule off in the workspace's .vscode/settings.json
    //    (as the Settings UI would); the extension sends workspace/didChangeConfiguration with
    //    settings.byline, the server republishes the diagnostics.
    if (SETTINGS) {
      step(`settings: byline.rules.${RULE_OFF} = off`);
      const off = expectedForFile(FILE, RULE_OFF);
      fs.mkdirSync(path.dirname(SETTINGS), { recursive: true });
      fs.writeFileSync(SETTINGS, JSON.stringify({ 'byline.rules': { [RULE_OFF]: 'off' } }, null, 2));
      const now = await waitForCounts(page, off, 30000);
      check(`byline.rules {"${RULE_OFF}": "off"} reaches the server (${off.skipped} finding(s) gone: ` +
        `errors ${off.errors}, warnings ${off.warnings})`,
        off.skipped > 0 && now.errors === off.errors && now.warnings === off.warnings,
        `status bar "${now.text}"`);
    }

    step(`open ${TXT_FILE}`);
    // 5. plain text: our text.plain host grammar + injection work on .txt files.
    await openFile(page, TXT_FILE);
    await page.waitForTimeout(800);
    const txtTok = await inspectTokens(page, txtQuote.line, txtQuote.col);
    check('grammar: TextMate scope string.quoted.double.byline on a quotation in plain text (text.plain host)',
      tmScopes(txtTok).includes('string.quoted.double.byline'), `textmate scopes: ${tmScopes(txtTok)}`);

    step('show people');
    // 6. Byline: Show People in Workspace -> quick pick with the person -> reveal.
    await palette(page, 'Byline: Show People in Workspace');
    const title = page.locator('.quick-input-widget:visible .quick-input-title', { hasText: 'People in workspace' });
    let shown = '';
    let rows = [];
    try {
      await title.waitFor({ timeout: 20000 });
      shown = (await title.innerText()).trim();
      // the list is virtualised: filter by name, as a user would
      await page.locator('.quick-input-widget input').first().fill(person.name);
      await page.waitForTimeout(500);
      rows = await page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row').evaluateAll((els) =>
        els.map((el) => [el.querySelector('.label-name'), el.querySelector('.label-description')]
          .map((x) => (x ? x.textContent.trim() : '')).join('\n')));
    } catch (e) {
      shown = `no people quick pick (${String(e.message || e).split('\n')[0]})`;
    }
    const match = rows.find((r) => r.split('\n')[0].trim() === person.name) || rows.find((r) => r.includes(person.name));
    check(`"Byline: Show People in Workspace" lists ${person.name}`, Boolean(match),
      `${shown}; rows for "${person.name}": ${JSON.stringify(rows.map((r) => r.replace(/\s+/g, ' ')))}`);
    if (match) {
      const want = match.split('\n').map((x) => x.trim()).filter(Boolean);
      const descr = want.find((x) => /\.(md|txt|markdown|toml)(:\d+)?$/.test(x)) || '';
      const [, wantPath, wantLine] = /^(.*?)(?::(\d+))?$/.exec(descr) || [];
      await page.keyboard.press('Enter');
      await page.waitForTimeout(1500);
      const tab = (await page.locator('.tab.active').first().innerText().catch(() => '')).trim();
      const ln = await page.locator('.statusbar-item', { hasText: /^Ln \d+/ }).first().innerText().catch(() => '');
      const okFile = wantPath && tab.includes(path.basename(wantPath));
      const okLine = !wantLine || new RegExp(`^Ln ${wantLine},`).test(ln.trim());
      check('selecting the person reveals its first mention', Boolean(okFile && okLine),
        `picked ${JSON.stringify(want)}, active tab ${JSON.stringify(tab)}, cursor ${JSON.stringify(ln.trim())}`);
    }

    step('check workspace');
    // 7. Byline: Check Workspace -> notification with the CLI's totals.
    const ws = cli(['check', '--format', 'json', '.']);
    const wantMsg = helpers.formatSummary(helpers.parseCheckOutput(ws.stdout, WS));
    await palette(page, 'Byline: Check Workspace');
    const toast = page.locator('.notification-toast', { hasText: 'Byline:' }).first();
    let msg = '';
    try {
      await toast.waitFor({ timeout: 60000 });
      msg = (await toast.locator('.notification-list-item-message').first().innerText()).trim();
    } catch {
      msg = '';
    }
    check('"Byline: Check Workspace" reports the CLI totals', msg === wantMsg,
      `notification ${JSON.stringify(msg)}, expected ${JSON.stringify(wantMsg)}`);
    await page.screenshot({ path: path.join(OUT, 'vscode-final.png') });
    console.log(`screenshot: ${path.join(OUT, 'vscode-final.png')}`);
  } finally {
    await browser.close();
    clearTimeout(guard);
  }
}

main().then(() => {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`vscode e2e: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}).catch((e) => {
  console.log(`FAIL: vscode e2e crashed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
