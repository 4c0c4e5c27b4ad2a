// Taplo's language server (the WASM build in @taplo/lsp, as its VS Code
// extension runs it) behind stdio, so the bench drives it like any server.
// Plain CommonJS: started with node alone, nothing compiled on the way.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const { StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const { TaploLsp } = require(process.argv[2]);
const writer = new StreamMessageWriter(process.stdout);
const reader = new StreamMessageReader(process.stdin);

const env = {
  now: () => new Date(),
  envVar: (name) => process.env[name],
  envVars: () => Object.entries(process.env),
  stdErrAtty: () => false,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  glob: () => [],
  readFile: (p) => fs.promises.readFile(p),
  writeFile: (p, bytes) => fs.promises.writeFile(p, bytes),
  // Taplo also hands over paths that are not file URLs.
  urlToFilePath: (url) => (url.startsWith('file:') ? fileURLToPath(url) : url),
  isAbsolute: (p) => path.isAbsolute(p),
  cwd: () => process.cwd(),
  findConfigFile: () => undefined,
  fetch: { fetch, Headers, Request, Response },
};

TaploLsp.initialize(env, { onMessage: (message) => void writer.write(message) }).then((lsp) => {
  reader.listen((message) => lsp.send(message));
  process.stdin.on('end', () => process.exit(0));
});
