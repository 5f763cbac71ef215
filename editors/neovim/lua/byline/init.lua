--- Byline for Neovim: starts `byline lsp` for Markdown and plain-text buffers and
--- adds :BylinePeople (people in the workspace -> quickfix) and :BylineCheck
--- (`byline check` over the workspace -> quickfix).
---
---   require('byline').setup({
---     cmd = { 'byline', 'lsp' },            -- server command
---     filetypes = { 'markdown', 'text' },
---     root_markers = { 'byline.toml', '.git' },
---     settings = { rules = { ['weasel-word'] = 'off' }, people = { inlayHints = true } },
---   })
---
--- Neovim 0.11+: registered with vim.lsp.config('byline', ...) + vim.lsp.enable('byline').
--- Neovim 0.10: a FileType autocmd calls vim.lsp.start().
local M = {}

local defaults = {
  cmd = { 'byline', 'lsp' },
  filetypes = { 'markdown', 'text' },
  root_markers = { 'byline.toml', '.git' },
  --- Same keys as byline.toml; sent as initializationOptions and as
  --- workspace/didChangeConfiguration { settings = { byline = ... } }.
  settings = {},
  --- Extra fields merged into the LSP client config (on_attach, capabilities, ...).
  lsp = {},
}

--- The configuration in force (defaults until setup() is called).
M.config = vim.deepcopy(defaults)
M._setup_done = false

local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(msg, level)
  vim.notify('byline: ' .. msg, level or vim.log.levels.INFO)
end

--- LSP languageId for a filetype: the LSP name for plain text.
local function language_id(_, filetype)
  if filetype == 'text' or filetype == '' then
    return 'plaintext'
  end
  return filetype
end

local function client_config(cfg)
  local settings = cfg.settings or {}
  local c = {
    cmd = cfg.cmd,
    filetypes = cfg.filetypes,
    root_markers = cfg.root_markers,
    init_options = settings,
    settings = { byline = settings },
    get_language_id = language_id,
  }
  return vim.tbl_deep_extend('force', c, cfg.lsp or {})
end

local augroup

function M.setup(opts)
  opts = opts or {}
  if type(opts.cmd) == 'string' then
    opts.cmd = { opts.cmd, 'lsp' }
  end
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  M.config._legacy = nil
  if opts.cmd then
    M.config.cmd = opts.cmd -- lists replace, they don't merge
  end
  if opts.filetypes then
    M.config.filetypes = opts.filetypes
  end
  if opts.root_markers then
    M.config.root_markers = opts.root_markers
  end
  M._setup_done = true
  local cc = client_config(M.config)

  -- opts._legacy (tests only): take the 0.10 path on a newer Neovim
  if has_011 and vim.lsp.config and vim.lsp.enable and not opts._legacy then
    vim.lsp.config('byline', cc)
    vim.lsp.enable('byline')
    M._mode = 'vim.lsp.config + vim.lsp.enable'
    return
  end
  M._mode = 'FileType autocmd + vim.lsp.start'

  -- Neovim 0.10
  augroup = vim.api.nvim_create_augroup('byline.lsp', { clear = true })
  local function start(bufnr)
    if vim.bo[bufnr].buftype ~= '' then
      return
    end
    local root = vim.fs.root(bufnr, cc.root_markers)
    local c = vim.tbl_extend('force', {}, cc)
    c.name = 'byline'
    c.root_dir = root or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr))
    c.filetypes = nil
    c.root_markers = nil
    vim.lsp.start(c, { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = cc.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(cc.filetypes, vim.bo[buf].filetype) then
      start(buf)
    end
  end
end

--- The running byline client (for the current buffer if attached there).
function M.client(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = 'byline', bufnr = bufnr or 0 })
  if #clients == 0 then
    clients = get({ name = 'byline' })
  end
  return clients[1]
end

local function request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Workspace root: the client's, else the nearest root marker, else the cwd.
function M.root(bufnr)
  local client = M.client(bufnr)
  if client and client.root_dir then
    return client.root_dir
  end
  local markers = M.config.root_markers
  local root = vim.fs.root and vim.fs.root(bufnr or 0, markers)
  return root or vim.fn.getcwd()
end

-- ------------------------------------------------------------------ people --

--- workspace/symbol -> people (containerName "person") -> quickfix list.
--- opts.open (default true): open the quickfix window. opts.on_done(items, err).
function M.people(opts)
  opts = opts or {}
  local client = M.client(0)
  local function done(items, err)
    if opts.on_done then
      opts.on_done(items, err)
    end
  end
  if not client then
    notify('no byline client is running (open an article first)', vim.log.levels.WARN)
    return done(nil, 'no client')
  end
  request(client, 'workspace/symbol', { query = '' }, function(err, result)
    if err then
      notify('workspace/symbol failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return done(nil, err)
    end
    local names, locations = {}, {}
    for _, s in ipairs(result or {}) do
      if s.containerName == 'person' and s.location and s.location.uri then
        local loc = {
          uri = s.location.uri,
          range = s.location.range or { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
        }
        names[loc] = s.name
        table.insert(locations, loc)
      end
    end
    local items = vim.lsp.util.locations_to_items(locations, client.offset_encoding or 'utf-16')
    for _, item in ipairs(items) do
      local name = names[item.user_data] or '?'
      item.text = name .. ' — ' .. vim.trim(item.text or '')
    end
    table.sort(items, function(a, b)
      if a.text ~= b.text then
        return a.text < b.text
      end
      return (a.filename or '') < (b.filename or '')
    end)
    vim.fn.setqflist({}, ' ', { title = 'Byline: people in workspace', items = items })
    if #items == 0 then
      notify('no people found in this workspace')
    elseif opts.open ~= false then
      vim.cmd('botright copen')
    end
    done(items)
  end, 0)
end

-- ------------------------------------------------------------------- check --

local SEVERITY_TYPE = { 'E', 'W', 'I', 'N' }

--- Byte column (0-based) of a UTF-16 offset in `line`.
function M.utf16_to_byte(line, index)
  if index <= 0 then
    return 0
  end
  if has_011 then
    return vim.str_byteindex(line, 'utf-16', index, false)
  end
  local ok, r = pcall(vim.str_byteindex, line, index, true)
  return ok and r or #line
end

local function file_lines(path, cache)
  if cache[path] then
    return cache[path]
  end
  local lines
  local buf = vim.fn.bufnr(path)
  if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) then
    lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  else
    local ok, l = pcall(vim.fn.readfile, path)
    lines = ok and l or {}
  end
  cache[path] = lines
  return lines
end

--- Parse `byline check --format json` into quickfix items (positions converted
--- from 0-based line + UTF-16 character to 1-based line + byte column).
function M.check_items(json_text, root)
  local ok, doc = pcall(vim.json.decode, json_text)
  if not ok or type(doc) ~= 'table' or doc.version ~= 1 or type(doc.files) ~= 'table' then
    return nil, 'byline check did not print {"version":1,"files":[...]}'
  end
  local items, cache = {}, {}
  for _, f in ipairs(doc.files) do
    local path = f.path
    if root and path:sub(1, 1) ~= '/' then
      path = vim.fs.joinpath and vim.fs.joinpath(root, path) or (root .. '/' .. path)
    end
    path = vim.fs.normalize(path)
    for _, d in ipairs(f.diagnostics or {}) do
      local start = (d.range or {}).start or { line = 0, character = 0 }
      local line = file_lines(path, cache)[start.line + 1] or ''
      local code = d.code and ('[' .. tostring(d.code) .. '] ') or ''
      table.insert(items, {
        filename = path,
        lnum = start.line + 1,
        col = M.utf16_to_byte(line, start.character) + 1,
        type = SEVERITY_TYPE[d.severity or 1] or 'E',
        text = code .. (d.message or ''),
      })
    end
  end
  return items
end

--- Run `byline check --format json` on the workspace root; fill the quickfix list.
--- opts.open (default true), opts.on_done(items, err), opts.root.
function M.check(opts)
  opts = opts or {}
  local root = opts.root or M.root(0)
  local exe = M.config.cmd[1]
  local cmd = { exe, 'check', '--format', 'json', '.' }
  local function done(items, err)
    if opts.on_done then
      opts.on_done(items, err)
    end
  end
  if vim.fn.executable(exe) ~= 1 then
    notify('server binary not found: ' .. exe, vim.log.levels.ERROR)
    return done(nil, 'not executable')
  end
  local ok, err = pcall(vim.system, cmd, { cwd = root, text = true, timeout = 120000 }, function(res)
    vim.schedule(function()
      if res.code ~= 0 and res.code ~= 1 then
        notify(('check failed (exit %s): %s'):format(res.code, vim.trim(res.stderr or '')), vim.log.levels.ERROR)
        return done(nil, res.stderr)
      end
      local items, perr = M.check_items(res.stdout or '', root)
      if not items then
        notify(perr, vim.log.levels.ERROR)
        return done(nil, perr)
      end
      local counts = { E = 0, W = 0, I = 0, N = 0 }
      for _, it in ipairs(items) do
        counts[it.type] = counts[it.type] + 1
      end
      vim.fn.setqflist({}, ' ', { title = 'Byline: check ' .. root, items = items })
      notify(('%d errors, %d warnings, %d info, %d hints'):format(counts.E, counts.W, counts.I, counts.N))
      if #items > 0 and opts.open ~= false then
        vim.cmd('botright copen')
      end
      done(items)
    end)
  end)
  if not ok then
    notify('could not run ' .. exe .. ': ' .. tostring(err), vim.log.levels.ERROR)
    done(nil, err)
  end
end

return M
