// Values cross between the real CLI (SecretSpec 0.21.1) and our server in
// both directions, on keyring, pass and dotenv:
// - what `secretspec set` stores is present for our `secretspec/check`, and
//   our `secretspec/import` copies it, byte for byte, into another store;
// - what our `secretspec/set` stores is present for `secretspec check --json`
//   and is what `secretspec get` prints;
// - overwriting each other's value leaves one entry that the CLI reads.
// Values travel only on stdin (CLI) and in the LSP request (ours); the
// assertions compare digests, so no value can reach a message.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CheckResult, ImportResult } from '../../protocol/src';
import { LspClient } from '../support/lspClient';
import { oracleSkip, runOracle } from '../support/oracle';
import { assertSameReport, cliReport } from './reports';
import { createPassStore, digest, keyringPackages, passPackages, privateEnv, startKeyring, type Store } from './stores';

/** Values that break naive quoting, trimming or line handling; none empty (the CLI refuses an empty value). */
const VALUES: Record<string, string> = {
  PLAIN: 'plain-interop-value',
  PADDED: '  padded on both sides  ',
  LINES: 'first line\nsecond line',
  TRAILING_NEWLINE: 'ends with a newline\n',
  QUOTED: `it's "quoted" with $HOME, \${HOME}, a # and a \\ backslash`,
  UNICODE: 'ünïcødé ✓ 日本語 🔑',
};
const SUFFIXES = Object.keys(VALUES);

/**
 * A .env written by hand, the way people do, for the dotenv suite: what the
 * CLI reads from it must be what our import reads (and copies).
 */
const HAND_WRITTEN = [
  '# a comment line',
  'export HAND_EXPORTED=exported value',
  'HAND_WORDS=two words # a comment',
  'HAND_APOSTROPHE=it\'s "quoted" # still the value: the apostrophe opened a quote',
  "HAND_SINGLE='single \\' quote, $HOME kept'",
  'HAND_DOUBLE="tab\\there, \\$HOME, \\"q\\" \\x"',
  'HAND_DOLLAR=$HOME and ${HOME} stay',
  'HAND_ESCAPED=escaped space\\ ',
  'HAND_MULTILINE="first',
  'second"',
  'HAND_CRLF=crlf line\r',
  'HAND_EMPTY=',
  'HAND_HASH=a#b',
  '  HAND_PADDED  =   padded   ',
  'HAND_TWICE=first',
  'HAND_TWICE=second wins',
].join('\n');
const HAND_KEYS = [...new Set([...HAND_WRITTEN.matchAll(/^\s*(?:export )?(HAND_\w+)/gm)].map((m) => m[1]!))].sort();

interface Kind {
  name: string;
  /** The dotenv suite also compares how both tools read a hand-written file. */
  handWritten?: boolean;
  /** The store both tools write to, as the manifest and `--provider` name it. */
  store: string;
  /** Where our import copies the CLI's values to. */
  importInto: string;
  packages?: () => { ok: boolean; reason?: string };
  start?: (base: string) => Promise<Store> | Store;
}

const KINDS: Kind[] = [
  { name: 'keyring', store: 'keyring', importInto: 'dotenv:.env.imported', packages: keyringPackages, start: startKeyring },
  { name: 'pass', store: 'pass', importInto: 'dotenv:.env.imported', packages: passPackages, start: createPassStore },
  { name: 'dotenv', store: 'dotenv:.env.shared', importInto: 'file:./.imported', handWritten: true },
];

function manifest(project: string, kind: Kind): string {
  const store = JSON.stringify(kind.store);
  const declare = (prefix: string, description: string, provider: string) =>
    SUFFIXES.map((s) => `${prefix}_${s} = { description = "${description}", providers = [${provider}] }`).join('\n');
  return `[project]
name = "${project}"
revision = "1.0"

[profiles.default]
${declare('CLI', 'written by secretspec set', store)}
${declare('OURS', 'written by secretspec/set', store)}
OVERWRITTEN = { description = "written by both, in turn", providers = [${store}] }

[profiles.imported.defaults]
inherit = false

[profiles.imported]
${declare('CLI', 'imported by secretspec/import', JSON.stringify(kind.importInto))}
${
  kind.handWritten
    ? `
[profiles.hand.defaults]
inherit = false

[profiles.hand]
${HAND_KEYS.map((k) => `${k} = { description = "copied from a hand-written .env", providers = [${JSON.stringify(kind.importInto)}] }`).join('\n')}
`
    : ''
}`;
}

const oracleReason = oracleSkip();

for (const kind of KINDS) {
  const packages = oracleReason ? undefined : kind.packages?.();
  const skip = oracleReason || (packages && !packages.ok ? packages.reason! : false);

  describe(`interop on ${kind.name}: values cross between secretspec and the server`, { skip }, () => {
    let base: string;
    let home: string;
    let store: Store | undefined;
    let client: LspClient | undefined;
    let file: string;
    let uri: string;
    const project = `interop-${kind.name}`;
    let env: NodeJS.ProcessEnv = {};

    const cli = (args: string[], input?: string) => {
      const r = runOracle([...args, '--file', file], { home, env, ...(input === undefined ? {} : { input }) });
      assert.equal(r.status, 0, `secretspec ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.stdout;
    };
    /** `secretspec set` with the value on stdin, stored as the exact bytes (`--from-file -`). */
    const cliSet = (name: string, profile: string, value: string, provider?: string) =>
      cli(['set', name, '--profile', profile, ...(provider ? ['--provider', provider] : []), '--from-file', '-'], value);
    /** The digest of what `secretspec get` prints: the value's bytes, nothing added when stdout is not a terminal. */
    const cliGet = (name: string, profile: string, provider?: string) => digest(cli(['get', name, '--profile', profile, ...(provider ? ['--provider', provider] : [])]));
    const check = async (profile: string) => (await client!.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: [profile] })).results[0]!;

    before(async () => {
      base = mkdtempSync(join(tmpdir(), `oracle-interop-${kind.name}-`));
      home = join(base, 'home');
      const dir = join(base, 'project');
      mkdirSync(dir, { recursive: true });
      if (kind.start) {
        store = await kind.start(base);
        env = { ...store.env };
      }
      const text = manifest(project, kind);
      file = join(dir, 'secretspec.toml');
      writeFileSync(file, text);
      client = await LspClient.start({ initializationOptions: { trusted: true }, env: privateEnv(home, env) });
      uri = client.open(file, text);
      await client.waitForDiagnostics(uri);
    });

    after(async () => {
      await client?.stop();
      await store?.stop();
      rmSync(base, { recursive: true, force: true });
    });

    test('what secretspec set stores, our check finds present, as the CLI does', async () => {
      for (const s of SUFFIXES) cliSet(`CLI_${s}`, 'default', VALUES[s]!);
      const ours = await check('default');
      assert.deepEqual(ours.unresolved, []);
      for (const s of SUFFIXES) assert.equal(ours.report.secrets.find((e) => e.name === `CLI_${s}`)?.status, 'resolved', `CLI_${s}`);
      assertSameReport(ours.report, cliReport(file, 'default', home, env), 'default');
    });

    test(`our import copies what secretspec set stores into ${kind.importInto}, byte for byte`, async () => {
      for (const s of SUFFIXES) cliSet(`CLI_${s}`, 'imported', VALUES[s]!, kind.store);
      const result = await client!.request<ImportResult>('secretspec/import', { textDocument: { uri }, profile: 'imported', from: kind.store });
      assert.deepEqual(
        result.items.map((i) => [i.name, i.outcome]),
        SUFFIXES.map((s) => [`CLI_${s}`, 'imported']).sort(),
      );
      for (const s of SUFFIXES) {
        // The CLI's own reading of its source entry is the value; our copy must read back the same.
        const source = cliGet(`CLI_${s}`, 'imported', kind.store);
        assert.equal(source, digest(VALUES[s]!), `CLI_${s}: the CLI does not read back what it stored (digest)`);
        assert.equal(cliGet(`CLI_${s}`, 'imported'), source, `CLI_${s}: the imported copy differs from the source (digest)`);
      }
      const ours = await check('imported');
      assert.deepEqual(ours.unresolved, []);
      assertSameReport(ours.report, cliReport(file, 'imported', home, env), 'imported');
    });

    test('what our secretspec/set stores, secretspec check --json finds and secretspec get prints', async () => {
      for (const s of SUFFIXES) await client!.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: `OURS_${s}`, value: VALUES[s] });
      const theirs = cliReport(file, 'default', home, env);
      for (const s of SUFFIXES) assert.equal(theirs.secrets.find((e) => e.name === `OURS_${s}`)?.status, 'resolved', `OURS_${s}`);
      assertSameReport((await check('default')).report, theirs, 'default');
      for (const s of SUFFIXES) assert.equal(cliGet(`OURS_${s}`, 'default'), digest(VALUES[s]!), `OURS_${s}: secretspec get prints another value (digest)`);
    });

    test("each tool overwrites the other's value in place", async () => {
      cliSet('OVERWRITTEN', 'default', 'first, by the CLI');
      await client!.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'OVERWRITTEN', value: 'second, by the server' });
      assert.equal(cliGet('OVERWRITTEN', 'default'), digest('second, by the server'), 'the CLI does not read our overwrite (digest)');
      cliSet('OVERWRITTEN', 'default', 'third, by the CLI');
      assert.equal(cliGet('OVERWRITTEN', 'default'), digest('third, by the CLI'), "the CLI's overwrite of our entry is not what it reads (digest)");
      assertSameReport((await check('default')).report, cliReport(file, 'default', home, env), 'default');
    });

    if (kind.handWritten) {
      test('a hand-written .env means the same to both tools: our import copies what the CLI reads', async () => {
        writeFileSync(join(base, 'project', '.env.hand'), HAND_WRITTEN);
        const result = await client!.request<ImportResult>('secretspec/import', { textDocument: { uri }, profile: 'hand', from: 'dotenv:.env.hand' });
        assert.deepEqual(
          result.items.map((i) => [i.name, i.outcome]),
          HAND_KEYS.map((k) => [k, 'imported']),
        );
        for (const key of HAND_KEYS) assert.equal(cliGet(key, 'hand'), cliGet(key, 'hand', 'dotenv:.env.hand'), `${key}: our reading differs from the CLI's (digest)`);
      });
    }

    test('no value reached the server log or the wire in clear', () => {
      const traffic = client!.traffic.join('') + client!.stderr.join('');
      // Our own requests carry values to the server; nothing the server sends back may.
      for (const value of Object.values(VALUES)) assert.equal(traffic.includes(value.trim()), false, 'a value appeared in what the server sent');
    });
  });
}
