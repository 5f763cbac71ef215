-- Byline user commands. The language server itself starts after
-- require('byline').setup{...} (see README.md).
if vim.g.loaded_byline then
  return
end
vim.g.loaded_byline = true

vim.api.nvim_create_user_command('BylinePeople', function()
  require('byline').people()
end, { desc = 'Byline: people in the workspace (quickfix)' })

vim.api.nvim_create_user_command('BylineCheck', function()
  require('byline').check()
end, { desc = 'Byline: check the workspace with `byline check` (quickfix)' })
