// The CLI bridge wired into the real server on stdio (issue 11), found on
// PATH as a user's `secretspec` is:
// - with the real SecretSpec 0.21.1 and its `age` store (Debian's `age`):
//   `secretspec/check` equals `secretspec check --json` for a manifest that
//   mixes a natively spoken dotenv store with age secrets, each secret with
//   one status; a value set through `secretspec/set` is then reported
//   present by the CLI; import from dotenv into age never overwrites;
// - with fault CLIs (hang, garbage, non-zero with and without a report, a
//   canary on stderr, SIGTERM ignored): the server stays up, the kinds are
//   right, no process lingers, and the canary reaches neither diagnostics,
//   logs nor any byte the server wrote;
// - in an untrusted workspace the CLI is never started (a marker file).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import type { CheckResult, ImportResult } from '../../protocol/src';
import { cliReport } from '../oracle/reports';
import { LspClient } from '../support/lspClient';
import { oracle, oracleEnv, oracleSkip, runOracle } from '../support/oracle';
import { ensureDebianPackages } from '../support/systemPackages';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The check once the server has found the CLI (it looks after `initialized`, asynchronously): the first result that went through it. */
async function checkThroughCli(client: LspClient, uri: string, force = false): Promise<CheckResult> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, ...(force ? { force } : {}) });
    if (result.results.every((r) => r.cli) || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const packages = ensureDebianPackages(['age']);
const realSkip = oracleSkip() || (packages.ok ? false : packages.reason!);
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the server answers through the real secretspec 0.21.1 and its age store', { skip: realSkip }, () => {
  const STORED = { SEALED_PRESENT: 'kept in the age blob', NATIVE_PRESENT: 'kept in dotenv' };
  const SOURCE = { SEALED_PRESENT: 'a different value the import must not write', SEALED_IMPORTED: 'copied by the import' };
  const TO_SET = 'set through secretspec/set ✓';

  async function fixture() {
    const dir = tempDir('secretspec-clibridge-lsp-');
    const ws = join(dir, 'ws');
    const bin = join(dir, 'bin');
    const home = join(dir, 'home');
    for (const d of [ws, bin, home]) mkdirSync(d);
    // On PATH outside the workspace, as the server looks for the user's CLI.
    symlinkSync(oracle().bin!, join(bin, 'secretspec'));
    const env = oracleEnv(home, { PATH: `${bin}:${process.env.PATH}` });
    const identity = join(dir, 'id.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
    const blob = join(dir, 'secrets.age');
    execFileSync('age', ['-r', recipient, '-a', '-o', blob], { input: `SEALED_PRESENT=${JSON.stringify(STORED.SEALED_PRESENT)}\n` });
    writeFileSync(join(ws, '.env'), `NATIVE_PRESENT=${JSON.stringify(STORED.NATIVE_PRESENT)}\n`);
    writeFileSync(join(ws, 'source.env'), Object.entries(SOURCE).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n');
    const manifest = join(ws, 'secretspec.toml');
    const text = `[project]
name = "bridge-lsp"
revision = "1.0"

[providers]
sealed = ${JSON.stringify(`age://${blob}?identity=${identity}`)}

[profiles.default]
NATIVE_PRESENT = { description = "dotenv, spoken natively", providers = ["dotenv:.env"] }
NATIVE_MISSING = { description = "dotenv, absent", required = false, providers = ["dotenv:.env"] }
SEALED_PRESENT = { description = "in the age blob", providers = ["sealed"] }
SEALED_MISSING = { description = "not in the blob yet", providers = ["sealed"] }
SEALED_IMPORTED = { description = "imported from source.env", required = false, providers = ["sealed"] }
SEALED_DEFAULT = { description = "falls back to its default", default = "committed", providers = ["sealed"] }
SEALED_COMPOSED = { description = "composed from an age secret", composed = "\${SEALED_PRESENT}-suffix" }
NATIVE_COMPOSED = { description = "composed from a dotenv secret", composed = "\${NATIVE_PRESENT}-suffix" }
`;
    writeFileSync(manifest, text);
    const client = await LspClient.start({ env, rootUri: pathToFileURL(ws).href, initializationOptions: { trusted: true } });
    const uri = client.open(manifest, text);
    const get = (name: string) => runOracle(['get', name, '--profile', 'default', '--file', manifest, '--reason', 'test'], { home, env });
    return { client, uri, manifest, text, home, env, get };
  }

  function assertNoValue(client: LspClient, ...values: string[]): void {
    const traffic = client.traffic.join('') + client.stderr.join('');
    for (const v of values) assert.ok(!traffic.includes(v), 'a value reached the server output');
  }

  test('secretspec/check equals secretspec check --json, each secret with one status; set, then import, through the CLI', async () => {
    const f = await fixture();
    try {
      const first = await checkThroughCli(f.client, f.uri);
      const entry = first.results[0]!;
      assert.deepEqual(entry.report, cliReport(f.manifest, 'default', f.home, f.env));
      assert.deepEqual(entry.unresolved, [], 'every secret has a status');
      const names = entry.report.secrets.map((s) => s.name);
      assert.equal(new Set(names).size, names.length, 'one status per secret');
      assert.deepEqual(entry.cli?.names, ['SEALED_COMPOSED', 'SEALED_DEFAULT', 'SEALED_IMPORTED', 'SEALED_MISSING', 'SEALED_PRESENT'], 'the age secrets and what is composed from them, and only they, went to the CLI');
      assert.equal(entry.cli?.version, '0.21.1');
      assert.ok(entry.cli!.durationMs > 0);
      // Asked again with nothing changed: the kept answer, no second run.
      const again = await f.client.request<CheckResult>('secretspec/check', { textDocument: { uri: f.uri } });
      assert.equal(again.results[0]!.cli?.cached, true);
      assert.deepEqual(again.results[0]!.report, entry.report);
      // The hover on a secret the CLI answered says so, per profile.
      const line = f.text.split('\n').findIndex((l) => l.startsWith('SEALED_PRESENT'));
      const hovered = (await f.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: f.uri }, position: { line, character: 2 } }))?.contents.value ?? '';
      assert.match(hovered, /`default`: answered through your secretspec CLI, via secretspec 0\.21\.1 in \d+ ms/);
      const native = f.text.split('\n').findIndex((l) => l.startsWith('NATIVE_PRESENT'));
      const nativeHover = (await f.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: f.uri }, position: { line: native, character: 2 } }))?.contents.value ?? '';
      assert.doesNotMatch(nativeHover, /secretspec CLI/);

      const target = await f.client.request<{ provider: string; target: string; writable: boolean }>('secretspec/writeTarget', { textDocument: { uri: f.uri }, profile: 'default', name: 'SEALED_MISSING' });
      assert.equal(target.writable, true, JSON.stringify(target));
      assert.match(target.provider, /^age:/);
      await f.client.request('secretspec/set', { textDocument: { uri: f.uri }, profile: 'default', name: 'SEALED_MISSING', value: TO_SET });
      assert.equal(f.get('SEALED_MISSING').stdout, TO_SET, 'the CLI reads back what was set');
      const afterSet = cliReport(f.manifest, 'default', f.home, f.env);
      assert.equal(afterSet.secrets.find((s) => s.name === 'SEALED_MISSING')?.status, 'resolved', 'the CLI reports it present');
      const rechecked = await f.client.request<CheckResult>('secretspec/check', { textDocument: { uri: f.uri } });
      assert.deepEqual(rechecked.results[0]!.report, afterSet, 'the write dropped the kept answer');

      const before = digest(f.get('SEALED_PRESENT').stdout);
      const imported = await f.client.request<ImportResult>('secretspec/import', { textDocument: { uri: f.uri }, profile: 'default', from: 'dotenv:source.env' });
      const outcome = Object.fromEntries(imported.items.map((i) => [i.name, i.outcome]));
      assert.equal(outcome['SEALED_IMPORTED'], 'imported');
      assert.ok(['exists', 'differs'].includes(outcome['SEALED_PRESENT']!), `never overwritten: ${outcome['SEALED_PRESENT']}`);
      assert.equal(digest(f.get('SEALED_PRESENT').stdout), before, 'the destination value is unchanged');
      assert.equal(f.get('SEALED_IMPORTED').stdout, SOURCE.SEALED_IMPORTED);

      const deletable = await f.client.request<{ deletable?: boolean }>('secretspec/writeTarget', { textDocument: { uri: f.uri }, profile: 'default', name: 'SEALED_IMPORTED', withDeletable: true });
      assert.equal(deletable.deletable, true, 'SecretSpec can delete from age');
      await f.client.request('secretspec/delete', { textDocument: { uri: f.uri }, profile: 'default', name: 'SEALED_IMPORTED' });
      assert.notEqual(f.get('SEALED_IMPORTED').status, 0, 'deleted');
      await f.client.request('secretspec/delete', { textDocument: { uri: f.uri }, profile: 'default', name: 'SEALED_IMPORTED' });
      assertNoValue(f.client, TO_SET, ...Object.values(STORED), ...Object.values(SOURCE));
    } finally {
      await f.client.stop();
    }
  });
});

describe('the server with misbehaving CLIs on PATH', () => {
  /** Opaque and plain: neither may reach anything the server says. */
  const CANARY = `cN${randomBytes(15).toString('hex')}9Z`;
  const PLAIN_CANARY = `correct-horse-battery-${randomBytes(4).toString('hex').replace(/[0-9]/g, 'q')}`;
  const REPORT = JSON.stringify({
    schema_version: 1,
    provider: 'onepassword://Prod',
    profile: 'default',
    secrets: [
      { name: 'OP_TOKEN', status: 'missing_required', required: true, default_applied: false, generated: false, as_path: false },
      { name: 'OP_URL', status: 'resolved', required: true, source_provider: 'onepassword://Prod', default_applied: false, generated: false, as_path: false },
    ],
  });
  const PRELUDE = `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "secretspec 0.21.1"; exit 0; fi\necho $$ >> "$FAULT_DIR/pids"\n`;
  const FAULTS: Record<string, { body: string; kind?: string; status?: Record<string, string> }> = {
    hang: { body: `sleep 1000 & echo $! >> "$FAULT_DIR/pids"\nwait\n`, kind: 'timeout' },
    'ignores-sigterm': { body: `trap '' TERM\nsleep 1000 & echo $! >> "$FAULT_DIR/pids"\nwhile :; do wait; done\n`, kind: 'timeout' },
    garbage: { body: `echo "{ not json ${CANARY}"\nexit 0\n`, kind: 'invalid_response' },
    // No report and no SecretSpec error on stderr: what came back is not an answer.
    'exit-3-silent': { body: `exit 3\n`, kind: 'invalid_response' },
    'report-exit-1': { body: `cat <<'EOF'\n${REPORT}\nEOF\nexit 1\n`, status: { OP_TOKEN: 'missing_required', OP_URL: 'resolved' } },
    canary: {
      body: [
        `echo "debug: fetched ${PLAIN_CANARY} from the vault" >&2`,
        `printf 'Error:   × Failed to resolve secrets\\n  ╰─▶ Provider operation failed: op said api_key=${CANARY} ${CANARY}\\n' >&2`,
        'exit 1',
        '',
      ].join('\n'),
    },
  };
  const TEXT = `[project]
name = "faults"
revision = "1.0"

[profiles.default]
OP_TOKEN = { description = "1Password", providers = ["onepassword://Prod"] }
OP_URL = { description = "1Password", providers = ["onepassword://Prod"] }
LOCAL = { description = "spoken natively", required = false, providers = ["dotenv:.env"] }
`;

  /** Running, per /proc: a zombie has exited and only waits for this container's lazy PID 1 to reap it. */
  function alive(pid: number): boolean {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
    } catch {
      return false;
    }
  }

  for (const [name, fault] of Object.entries(FAULTS)) {
    test(`${name}: the server stays up, the kind is right, nothing lingers, no canary`, async () => {
      const dir = tempDir(`secretspec-clibridge-lsp-${name}-`);
      const ws = join(dir, 'ws');
      const bin = join(dir, 'bin');
      mkdirSync(ws);
      mkdirSync(bin);
      writeFileSync(join(bin, 'secretspec'), PRELUDE + fault.body);
      chmodSync(join(bin, 'secretspec'), 0o755);
      const manifest = join(ws, 'secretspec.toml');
      writeFileSync(manifest, TEXT);
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAULT_DIR: dir };
      const client = await LspClient.start({ env, rootUri: pathToFileURL(ws).href, initializationOptions: { trusted: true }, settings: { secretspec: { cli: { timeoutMs: 1500 } } } });
      try {
        const uri = client.open(manifest, TEXT);
        const diagnostics = await client.waitForDiagnostics(uri);
        const entry = (await checkThroughCli(client, uri)).results[0]!;
        assert.ok(entry.cli, 'the CLI was asked');
        assert.deepEqual(entry.cli.names, ['OP_TOKEN', 'OP_URL']);
        assert.equal(entry.report.secrets.find((s) => s.name === 'LOCAL')?.status, 'missing_optional', 'the native secret keeps its own answer');
        if (fault.status) {
          for (const [secret, status] of Object.entries(fault.status)) assert.equal(entry.report.secrets.find((s) => s.name === secret)?.status, status);
          assert.deepEqual(entry.unresolved, []);
        } else {
          assert.deepEqual(entry.unresolved.map((u) => u.name), ['OP_TOKEN', 'OP_URL'], 'unresolved, never missing');
          assert.ok(entry.unresolved.every((u) => u.provider === 'secretspec 0.21.1'));
          if (fault.kind) assert.ok(entry.unresolved.every((u) => u.kind === fault.kind), JSON.stringify(entry.unresolved));
        }
        // Still answering, and the kept answer is served without another run.
        const again = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
        assert.equal(again.results[0]!.cli?.cached, true);
        await client.stop();
        assert.ok(!client.traffic.join('').includes(CANARY) && !client.traffic.join('').includes(PLAIN_CANARY), 'the canary reached LSP traffic');
        assert.ok(!client.stderr.join('').includes(CANARY) && !client.stderr.join('').includes(PLAIN_CANARY), 'the canary reached the server log');
        assert.ok(!JSON.stringify(diagnostics).includes(CANARY));
        const pids = existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number) : [];
        assert.ok(pids.length > 0, 'the fault CLI ran');
        for (let i = 0; i < 300 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(pids.filter(alive), [], 'no CLI process outlives its run');
      } finally {
        await client.stop();
      }
    });
  }

  test('never per keystroke: an edit is answered from nothing kept until a save with cli.checkOnSave or Check Now', async () => {
    const dir = tempDir('secretspec-clibridge-lsp-keystroke-');
    const ws = join(dir, 'ws');
    const bin = join(dir, 'bin');
    mkdirSync(ws);
    mkdirSync(bin);
    writeFileSync(join(bin, 'secretspec'), PRELUDE + FAULTS['report-exit-1']!.body);
    chmodSync(join(bin, 'secretspec'), 0o755);
    const manifest = join(ws, 'secretspec.toml');
    writeFileSync(manifest, TEXT);
    const runs = () => (existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').length : 0);
    const client = await LspClient.start({
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAULT_DIR: dir },
      rootUri: pathToFileURL(ws).href,
      initializationOptions: { trusted: true },
      settings: { secretspec: { checkOnSave: false, cli: { checkOnSave: true } } },
    });
    try {
      const uri = client.open(manifest, TEXT);
      assert.ok((await checkThroughCli(client, uri)).results[0]!.cli);
      const afterOpen = runs();
      assert.equal(afterOpen, 1, 'one run for the opened text');
      const edited = TEXT.replace('description = "1Password"', 'description = "1Password, edited"');
      client.change(uri, edited);
      const typed = (await client.request<CheckResult>('secretspec/check', { textDocument: { uri } })).results[0]!;
      assert.deepEqual(typed.unresolved.map((u) => [u.name, u.kind]), [['OP_TOKEN', 'unavailable'], ['OP_URL', 'unavailable']]);
      assert.match(typed.unresolved[0]!.message, /since the manifest changed/);
      assert.equal(runs(), afterOpen, 'an edit starts nothing');
      void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
      const deadline = Date.now() + 10_000;
      let saved = typed;
      while (saved.unresolved.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        saved = (await client.request<CheckResult>('secretspec/check', { textDocument: { uri } })).results[0]!;
      }
      assert.deepEqual(saved.unresolved, [], 'the save with cli.checkOnSave ran the CLI');
      assert.equal(runs(), afterOpen + 1);
      const forced = (await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, force: true })).results[0]!;
      assert.equal(forced.cli?.cached, false, 'Check Now runs it again');
      assert.equal(runs(), afterOpen + 2);
    } finally {
      await client.stop();
    }
  });

  test('untrusted workspace: the CLI is never started', async () => {
    const dir = tempDir('secretspec-clibridge-lsp-untrusted-');
    const ws = join(dir, 'ws');
    const bin = join(dir, 'bin');
    mkdirSync(ws);
    mkdirSync(bin);
    const marker = join(dir, 'started');
    writeFileSync(join(bin, 'secretspec'), `#!/bin/sh\ntouch "${marker}"\necho "secretspec 0.21.1"\n`);
    chmodSync(join(bin, 'secretspec'), 0o755);
    const manifest = join(ws, 'secretspec.toml');
    writeFileSync(manifest, TEXT);
    const client = await LspClient.start({ env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, rootUri: pathToFileURL(ws).href, initializationOptions: { trusted: false } });
    try {
      const uri = client.open(manifest, TEXT);
      await client.waitForDiagnostics(uri);
      const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, force: true });
      assert.ok(result.results[0]!.unresolved.every((u) => u.kind === 'untrusted_workspace'));
      assert.equal(result.results[0]!.cli, undefined);
      await assert.rejects(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'OP_TOKEN', value: 'x' }));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(existsSync(marker), false, 'the CLI was started in Restricted Mode');
    } finally {
      await client.stop();
    }
  });
});
