-- End-to-end test of the Byline Neovim plugin in real headless Neovim (0.11).
-- Run through test/e2e.sh, which sets:
--   BYLINE_BIN       server binary
--   BYLINE_PLUGIN    editors/neovim (put on 'runtimepath')
--   E2E_WORKSPACE    a copy of tests/corpus
--   E2E_FILE         plain-text article to open (relative; default wire/2026-03-12-geneva-talks.txt)
--   E2E_MD_FILE      Markdown article (attach check)
--   E2E_DIAG_FILE    article with many findings and non-ASCII text before some of them
--                    (diagnostics + UTF-16 checks; default drafts/2026-03-13-geneva-summit-draft.txt)
--   E2E_PERSON       person id in byline.toml (default sergei-ryabkov)
--   E2E_HOVER        word to hover (default Ryabkov, first bare use)
--   E2E_RENAME_TO    new full name for the rename (default "Sergei Rjabkov")
--   E2E_TIMEOUT_MS   per-wait timeout (default 20000)
--   E2E_LEGACY       "1": start the server the Neovim 0.10 way (FileType autocmd + vim.lsp.start)
-- setup() turns the rule weasel-word off through `settings` (sent as initializationOptions),
-- so the expected diagnostics are `byline check`'s without weasel-word.
-- Prints PASS/FAIL per check and "neovim e2e: N passed, M failed"; exit 1 on failure.
local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local function ms()
  return math.floor((uv.hrtime() - t0) / 1e6)
end
local function say(s)
  io.stdout:write(s, '\n')
  io.stdout:flush()
end

local BIN = assert(os.getenv('BYLINE_BIN'), 'BYLINE_BIN')
local PLUGIN = assert(os.getenv('BYLINE_PLUGIN'), 'BYLINE_PLUGIN')
local WS = assert(os.getenv('E2E_WORKSPACE'), 'E2E_WORKSPACE')
local FILE = os.getenv('E2E_FILE') or 'wire/2026-03-12-geneva-talks.txt'
local MD_FILE = os.getenv('E2E_MD_FILE') or 'daily-ledger/2026-03-13-geneva-analysis.md'
local DIAG_FILE = os.getenv('E2E_DIAG_FILE') or 'drafts/2026-03-13-geneva-summit-draft.txt'
local PERSON = os.getenv('E2E_PERSON') or 'sergei-ryabkov'
local HOVER = os.getenv('E2E_HOVER') or 'Ryabkov'
local RENAME_TO = os.getenv('E2E_RENAME_TO') or 'Sergei Rjabkov'
local TIMEOUT = tonumber(os.getenv('E2E_TIMEOUT_MS') or '') or 20000
local LEGACY = os.getenv('E2E_LEGACY') == '1'
local RULE_OFF = 'weasel-word'

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
  end
  say(('%s: %s%s'):format(ok and 'PASS' or 'FAIL', name, detail and (' -- ' .. detail) or ''))
end
local function finish()
  say(('neovim e2e: %d passed, %d failed (%d ms)'):format(passed, failed, ms()))
  os.exit((failed > 0 or passed == 0) and 1 or 0)
end
local function step(what)
  say(('[%.1fs] %s'):format(ms() / 1000, what))
end

-- ------------------------------------------------------------ expectations --
local function cli(args)
  local cmd = { BIN }
  vim.list_extend(cmd, args)
  local r = vim.system(cmd, { cwd = WS, text = true }):wait(60000)
  return r
end

--- Counts by severity from `byline check --format json REL`, without findings of rule `skip`.
local function expected_counts(rel, skip)
  local r = cli({ 'check', '--format', 'json', rel })
  assert(r.code == 0 or r.code == 1, 'byline check exit ' .. tostring(r.code) .. ': ' .. (r.stderr or ''))
  local doc = vim.json.decode(r.stdout)
  local c = { [1] = 0, [2] = 0, [3] = 0, [4] = 0, total = 0, skipped = 0 }
  for _, f in ipairs(doc.files) do
    for _, d in ipairs(f.diagnostics or {}) do
      if skip and d.code == skip then
        c.skipped = c.skipped + 1
      else
        c[d.severity or 1] = c[d.severity or 1] + 1
        c.total = c.total + 1
      end
    end
  end
  return c
end

local function person_info(id)
  local r = cli({ 'index', '--format', 'json', '.' })
  assert(r.code == 0, 'byline index exit ' .. tostring(r.code) .. ': ' .. (r.stderr or ''))
  local doc = vim.json.decode(r.stdout)
  for _, p in ipairs(doc.people or {}) do
    if p.id == id then
      local titles = {}
      for _, role in ipairs(p.roles or {}) do
        table.insert(titles, type(role) == 'string' and role or (role.title or role.name))
      end
      return p, titles
    end
  end
  error('byline index: no person ' .. id)
end

-- ------------------------------------------------------------------ helpers --
local function wait(pred, timeout)
  return vim.wait(timeout or TIMEOUT, pred, 50)
end

--- 0-based (row, byte col) of the first use of `word` not preceded by a capitalised word.
local function find_bare(buf, word)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local init = 1
    while true do
      local s, e = line:find(word, init, true)
      if not s then
        break
      end
      local before = line:sub(1, s - 1)
      local after = line:sub(e + 1, e + 1)
      local prev_word = before:match('(%S+)%s$')
      local glued = before:match('[%w]$') or after:match('[%w]')
      if not glued and not (prev_word and prev_word:match('^%u')) then
        return i - 1, s - 1
      end
      init = e + 1
    end
  end
end

local function find_text(buf, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(text, 1, true)
    if s then
      return i - 1, s - 1
    end
  end
end

local function float_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    local cfg = vim.api.nvim_win_get_config(w)
    if cfg.relative and cfg.relative ~= '' then
      local b = vim.api.nvim_win_get_buf(w)
      return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n'), w
    end
  end
end

local function close_floats()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      pcall(vim.api.nvim_win_close, w, true)
    end
  end
end

local function byline_diags(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'byline' or (d.namespace and vim.diagnostic.get_namespace(d.namespace).name:match('byline')) then
      table.insert(out, d)
    end
  end
  return out
end

local function sev_counts(diags)
  local c = { [1] = 0, [2] = 0, [3] = 0, [4] = 0 }
  for _, d in ipairs(diags) do
    c[d.severity] = c[d.severity] + 1
  end
  return c
end

-- ------------------------------------------------------------------- main --
local function main()
  -- keep editor messages ("No information available", ...) on their own lines
  vim.notify = function(msg, level)
    io.stderr:write(('[notify %s] %s\n'):format(level or '', tostring(msg)))
  end
  vim.opt.rtp:prepend(PLUGIN)
  vim.cmd('filetype on')
  vim.cmd('runtime! plugin/byline.lua')
  vim.o.swapfile = false
  vim.o.hidden = true
  vim.cmd.cd(WS)

  local want = expected_counts(FILE, RULE_OFF)
  local ws_want = expected_counts('.')
  local person, titles = person_info(PERSON)
  step(('expect %s: %d errors, %d warnings (%d findings); workspace %d findings; roles %s'):format(
    FILE, want[1], want[2], want.total, ws_want.total, vim.inspect(titles)))

  require('byline').setup({ cmd = { BIN, 'lsp' }, settings = { rules = { [RULE_OFF] = 'off' } }, _legacy = LEGACY })
  step('server started with ' .. tostring(require('byline')._mode))
  check(':BylinePeople and :BylineCheck exist',
    vim.fn.exists(':BylinePeople') == 2 and vim.fn.exists(':BylineCheck') == 2)

  -- 1. open the article; the client attaches
  vim.cmd.edit(vim.fn.fnameescape(WS .. '/' .. FILE))
  local buf = vim.api.nvim_get_current_buf()
  local client
  local attached = wait(function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'byline' })[1]
    return client ~= nil and client.initialized
  end)
  check(('byline attaches to %s (filetype %s)'):format(FILE, vim.bo[buf].filetype), attached,
    client and ('server %s, encoding %s, root %s'):format(vim.inspect(client.server_info, { newline = ' ', indent = '' }), client.offset_encoding, client.root_dir))
  if not attached then
    return
  end
  check('workspace root is the folder with byline.toml', client.root_dir == WS, client.root_dir)

  -- 2. diagnostics arrive and match the CLI (all four severities), for this file and a draft
  --    with many findings (opened as a second buffer)
  local function diagnostics_match(b, rel, w)
    local last, stable_since = -1, 0
    wait(function()
      local n = #byline_diags(b)
      if n ~= last then
        last, stable_since = n, ms()
      end
      local c = sev_counts(byline_diags(b))
      return n == w.total and c[1] == w[1] and c[2] == w[2] and c[3] == w[3] and ms() - stable_since > 1000
    end, TIMEOUT * 2)
    local ds = byline_diags(b)
    local c = sev_counts(ds)
    check(('diagnostics for %s match `byline check` (%d errors, %d warnings, %d info, %d hints)'):format(
      rel, w[1], w[2], w[3], w[4]),
      #ds > 0 and c[1] == w[1] and c[2] == w[2] and c[3] == w[3] and c[4] == w[4],
      ('got %d: %d errors, %d warnings, %d info, %d hints; codes %s'):format(#ds, c[1], c[2], c[3], c[4],
        table.concat(vim.tbl_map(function(d) return tostring(d.code) end, ds), ',')))
    return ds
  end
  step('diagnostics')
  local diags = diagnostics_match(buf, FILE, want)
  vim.cmd.edit(vim.fn.fnameescape(WS .. '/' .. DIAG_FILE))
  local dbuf = vim.api.nvim_get_current_buf()
  local dwant = expected_counts(DIAG_FILE, RULE_OFF)
  check(('(precondition) %s has %d %s findings, which setup{settings} turns off'):format(DIAG_FILE, dwant.skipped, RULE_OFF),
    dwant.skipped > 0)
  local ddiags = diagnostics_match(dbuf, DIAG_FILE, dwant)
  vim.cmd.buffer(buf)

  -- 3. hover on a person shows the role (the real vim.lsp.buf.hover() float)
  step('hover')
  local row, col = find_bare(buf, HOVER)
  check(('found a bare "%s" in %s'):format(HOVER, FILE), row ~= nil)
  if row then
    vim.api.nvim_win_set_cursor(0, { row + 1, col })
    local text = ''
    for _ = 1, 5 do
      close_floats()
      vim.lsp.buf.hover()
      if wait(function() return float_text() ~= nil end, 4000) then
        wait(function() return false end, 300)
        text = float_text() or ''
        if text ~= '' then
          break
        end
      end
    end
    close_floats()
    local role
    for _, t in ipairs(titles) do
      if text:lower():find(t:lower(), 1, true) then
        role = t
      end
    end
    check(('hover on "%s" (%d:%d) shows the role'):format(HOVER, row + 1, col + 1), role ~= nil,
      vim.inspect(text:sub(1, 300)))

    -- 4. references span several files
    step('references')
    local items
    vim.lsp.buf.references({ includeDeclaration = true }, {
      on_list = function(t)
        items = t.items
      end,
    })
    wait(function() return items ~= nil end)
    local files = {}
    for _, it in ipairs(items or {}) do
      files[it.filename] = true
    end
    local nfiles = vim.tbl_count(files)
    check('references to the person span more than one file', nfiles > 1,
      ('%d references in %d files'):format(#(items or {}), nfiles))
  end

  -- 5. :BylinePeople -> quickfix
  step(':BylinePeople')
  vim.fn.setqflist({}, 'r', { title = 'cleared', items = {} })
  vim.cmd('BylinePeople')
  wait(function() return vim.fn.getqflist({ title = 0 }).title:match('people') ~= nil end)
  local qf = vim.fn.getqflist()
  local has_person = false
  for _, it in ipairs(qf) do
    if it.text:find(person.name, 1, true) then
      has_person = true
    end
  end
  check(':BylinePeople fills the quickfix list with people', #qf > 0 and has_person,
    ('%d items, %s %s'):format(#qf, person.name, has_person and 'listed' or 'missing'))
  vim.cmd('cclose')

  -- 6. :BylineCheck -> quickfix; positions agree with Neovim's own LSP conversion
  step(':BylineCheck')
  vim.fn.setqflist({}, 'r', { title = 'cleared', items = {} })
  vim.cmd('BylineCheck')
  wait(function() return vim.fn.getqflist({ title = 0 }).title:match('check') ~= nil end, TIMEOUT * 3)
  qf = vim.fn.getqflist()
  check((':BylineCheck fills the quickfix list (%d findings expected)'):format(ws_want.total),
    #qf > 0 and #qf == ws_want.total, ('%d items'):format(#qf))
  -- every quickfix item of an open buffer sits where Neovim put the LSP diagnostic
  -- (Neovim converts LSP positions itself, in the negotiated encoding)
  local same, compared, multibyte = 0, 0, 0
  local lsp_pos = {}
  for _, d in ipairs(vim.list_extend(vim.list_extend({}, diags), ddiags)) do
    lsp_pos[('%d:%d:%d'):format(d.bufnr, d.lnum + 1, d.col + 1)] = true
  end
  for _, it in ipairs(qf) do
    -- (the CLI reads byline.toml only, so it still reports the rule turned off in setup())
    if (it.bufnr == buf or it.bufnr == dbuf) and not it.text:find('[' .. RULE_OFF .. ']', 1, true) then
      compared = compared + 1
      if lsp_pos[('%d:%d:%d'):format(it.bufnr, it.lnum, it.col)] then
        same = same + 1
      end
      local text = vim.api.nvim_buf_get_lines(it.bufnr, it.lnum - 1, it.lnum, false)[1] or ''
      if text:sub(1, it.col - 1):find('[\128-\255]') then
        multibyte = multibyte + 1
      end
    end
  end
  check(':BylineCheck positions (UTF-16 -> byte) equal the LSP diagnostics positions',
    compared > 0 and same == compared and multibyte > 0,
    ('%d of %d items in the open buffers match, %d of them after non-ASCII text'):format(same, compared, multibyte))
  vim.cmd('cclose')

  -- 7. the plugin also attaches to Markdown
  step('markdown')
  vim.cmd.edit(vim.fn.fnameescape(WS .. '/' .. MD_FILE))
  local mdbuf = vim.api.nvim_get_current_buf()
  local md_ok = wait(function()
    return vim.lsp.get_clients({ bufnr = mdbuf, name = 'byline' })[1] ~= nil
  end)
  check(('byline attaches to %s (filetype %s), same client'):format(MD_FILE, vim.bo[mdbuf].filetype),
    md_ok and vim.lsp.get_clients({ bufnr = mdbuf, name = 'byline' })[1].id == client.id)
  vim.cmd.buffer(buf)

  -- 8. :checkhealth byline
  step(':checkhealth byline')
  vim.cmd('silent checkhealth byline')
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('bwipeout!')
  vim.cmd.buffer(buf)
  check(':checkhealth byline reports the binary, its --version and the attached client',
    health:find('server binary: ' .. BIN, 1, true) ~= nil and health:find('--version`: ', 1, true) ~= nil
      and health:find('attached to', 1, true) ~= nil and not health:find('ERROR', 1, true),
    vim.inspect(health:gsub('%s+', ' '):sub(1, 400)))

  -- 9. rename the person (full-name mention) across files
  step('rename')
  local old_name = person.name
  local r2, c2 = find_text(buf, old_name)
  if not r2 then
    -- an alias, e.g. "Sergei A. Ryabkov": rename from the surname inside it
    r2, c2 = find_bare(buf, HOVER)
  end
  vim.api.nvim_win_set_cursor(0, { r2 + 1, c2 })
  local new_surname = RENAME_TO:match('(%S+)$')
  local function buffers_with(text)
    local n = {}
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) then
        local all = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
        if all:find(text, 1, true) then
          table.insert(n, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':.'))
        end
      end
    end
    return n
  end
  local before = #buffers_with(new_surname)
  vim.lsp.buf.rename(RENAME_TO, { name = 'byline' })
  wait(function() return #buffers_with(new_surname) > 1 end)
  local changed = buffers_with(new_surname)
  local modified = vim.bo[buf].modified
  check(('rename "%s" -> "%s" edits the open buffer and other articles'):format(old_name, RENAME_TO),
    before == 0 and #changed > 1 and modified and vim.tbl_contains(changed, FILE),
    ('%d buffers now contain "%s": %s'):format(#changed, new_surname, table.concat(changed, ', ')))
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  check('e2e script ran to completion', false, tostring(err))
end
finish()
