// A plugin that ignores end of input and SIGTERM never outlives the server:
// after `shutdown` and `exit`, its whole process group is gone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LspClient, ROOT } from '../support/lspClient';

const AUDIT = join(ROOT, 'test', 'fixtures', 'plugins-audit', 'secretspec-provider-audit');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie waiting for its reaper is gone for every purpose here.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

test('a stubborn plugin is killed when the server shuts down and exits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-plugin-exit-'));
  const pids = join(dir, 'pids');
  writeFileSync(join(dir, 'store.json'), '{}');
  const manifest = '[project]\nname = "app"\nrevision = "1.0"\n[profiles.default]\nTOKEN = { description = "t", providers = ["audit://v?stubborn=1"] }\n';
  writeFileSync(join(dir, 'secretspec.toml'), manifest);
  const client = await LspClient.start({
    initializationOptions: { trusted: true },
    settings: { secretspec: { plugins: { audit: { path: AUDIT, env: { AUDIT_PID_FILE: pids, AUDIT_STORE: join(dir, 'store.json') } } } } },
  });
  try {
    const uri = client.open(join(dir, 'secretspec.toml'), manifest);
    await client.waitForDiagnostics(uri);
    await client.request('secretspec/check', { textDocument: { uri } });
    assert.ok(existsSync(pids), 'the plugin was started');
    const started = readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
    assert.ok(started.length > 0 && started.every(alive), 'the plugin is running before shutdown');
    await client.stop();
    const deadline = Date.now() + 10_000;
    while (started.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(started.filter(alive), [], 'a plugin process outlived the server');
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
