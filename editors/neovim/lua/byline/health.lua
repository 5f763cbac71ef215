-- :checkhealth byline
local M = {}

local health = vim.health
local h_start = health.start or health.report_start
local h_ok = health.ok or health.report_ok
local h_warn = health.warn or health.report_warn
local h_error = health.error or health.report_error
local h_info = health.info or health.report_info

function M.check()
  h_start('byline')
  local byline = require('byline')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.10') == 1 then
    h_ok('Neovim ' .. version .. (byline._mode and (', server started with ' .. byline._mode) or ''))
  else
    h_error('Neovim ' .. version .. ' is too old: Byline needs 0.10 or newer')
  end
  if not byline._setup_done then
    h_warn("require('byline').setup() has not been called: the server will not start", {
      "Add require('byline').setup({}) to your init.lua",
    })
  end

  local cfg = byline.config
  local exe = cfg.cmd[1]
  if vim.fn.executable(exe) == 1 then
    local path = vim.fn.exepath(exe)
    h_ok('server binary: ' .. path)
    local res_ok, res = pcall(function()
      return vim.system({ path, '--version' }, { text = true }):wait(5000)
    end)
    if res_ok and res and res.code == 0 then
      h_ok('`' .. exe .. ' --version`: ' .. vim.trim(res.stdout or ''))
    else
      h_warn('`' .. exe .. ' --version` failed: ' .. vim.trim((res and (res.stderr or '')) or tostring(res)))
    end
  else
    h_error('server binary not found: ' .. exe, {
      'Build it (cargo build --release) and put target/release/byline on your PATH,',
      "or pass setup({ cmd = { '/path/to/byline', 'lsp' } })",
    })
  end
  h_info('command: ' .. table.concat(cfg.cmd, ' ') .. '; filetypes: ' .. table.concat(cfg.filetypes, ', '))

  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = 'byline' })
  if #clients == 0 then
    h_warn('no byline client is running', { 'Open a ' .. table.concat(cfg.filetypes, ' or ') .. ' file' })
    return
  end
  for _, c in ipairs(clients) do
    local bufs = {}
    for buf in pairs(c.attached_buffers or {}) do
      table.insert(bufs, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':~:.'))
    end
    table.sort(bufs)
    local server = c.server_info and ((c.server_info.name or '?') .. ' ' .. (c.server_info.version or '')) or '?'
    local what = ('client %d (%s, root %s, encoding %s)'):format(c.id, vim.trim(server), c.root_dir or 'none', c.offset_encoding or '?')
    if #bufs > 0 then
      h_ok(what .. ' attached to ' .. #bufs .. ' buffer(s): ' .. table.concat(bufs, ', '))
    else
      h_warn(what .. ' is running but not attached to any buffer')
    end
  end
end

return M
