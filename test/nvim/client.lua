-- Headless Neovim as a real LSP client of the SecretSpec server. Run by
-- neovim.test.ts; every input comes from the environment:
--   SECRETSPEC_NVIM_FILE   manifest to open
--   SECRETSPEC_NVIM_NODE   node executable
--   SECRETSPEC_NVIM_SERVER built server entry (dist/server.js)
--   SECRETSPEC_NVIM_OUT    where to write the JSON result
-- Neovim 0.7 (Debian 12) has no vim.lsp.start, hence start_client + buf_attach_client.
local file = assert(vim.env.SECRETSPEC_NVIM_FILE, 'SECRETSPEC_NVIM_FILE is not set')
local out_path = assert(vim.env.SECRETSPEC_NVIM_OUT, 'SECRETSPEC_NVIM_OUT is not set')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)

-- The first publication for this buffer, exactly as the server sent it.
local published = nil
local client_id = vim.lsp.start_client({
  name = 'secretspec',
  cmd = { vim.env.SECRETSPEC_NVIM_NODE, vim.env.SECRETSPEC_NVIM_SERVER, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  init_options = { trusted = false },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if published == nil and result and result.uri == uri then
        published = result.diagnostics
      end
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
local attached = client_id ~= nil and vim.lsp.buf_attach_client(bufnr, client_id)
local ok = attached and vim.wait(15000, function() return published ~= nil end, 20)

local out = {
  ok = ok,
  nvim = string.format('%d.%d.%d', vim.version().major, vim.version().minor, vim.version().patch),
  published = {},
  displayed = {},
}
for _, d in ipairs(published or {}) do
  table.insert(out.published, { range = d.range, severity = d.severity, code = d.code, source = d.source, message = d.message })
end
-- What Neovim itself made of them (vim.diagnostic), to show the client really took them in.
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(out.displayed, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity, message = d.message })
end

local f = assert(io.open(out_path, 'w'))
f:write(vim.fn.json_encode(out))
f:close()

if client_id ~= nil then
  vim.lsp.stop_client(client_id)
  -- Let shutdown/exit reach the server so no process outlives this editor.
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end
vim.cmd(ok and 'qall!' or 'cquit! 1')
