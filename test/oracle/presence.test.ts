// Our `secretspec/check` against the real CLI's `secretspec check --json`
// (SecretSpec 0.21.1), per provider, for every profile of a manifest that
// covers each way a secret can come out: present, missing, optional, with a
// default, generated, as_path, composed, through a fallback, in presence
// groups, inherited or not. Both tools read the same stores: the same files,
// the same environment, the same gnome-keyring session and the same pass
// store. Reports must be equal as JSON, `source_provider` included (ours is
// SecretSpec's canonical `uri()` for bundled stores, so no projection is
// needed), and so must the order of each entry's keys.
//
// `check --json` is SecretSpec's value-free pass (`Secrets::report`,
// `Materialize::None`): it mints nothing for a `generate` secret. The suite
// still proves it: our check after the CLI's must equal our check before.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CheckResult } from '../../protocol/src';
import { LspClient } from '../support/lspClient';
import { oracleSkip } from '../support/oracle';
import { assertSameReport, cliReport } from './reports';
import { createPassStore, keyringPackages, passPackages, privateEnv, startKeyring, type Store } from './stores';

/** How one suite reaches its stores; provider specs are written as a manifest would write them. */
interface Kind {
  name: string;
  /** The secrets' own provider. */
  primary: string;
  /** A second store of the same kind, the alias `shelf` first in FALLBACK_ALT's chain; absent where the kind has only one store (env). */
  alternate?: string;
  /** What `[profiles.production.defaults] providers` names, once the stores exist. */
  production(ctx: Context): string;
  packages?: () => { ok: boolean; reason?: string };
  start?: (base: string) => Promise<Store> | Store;
  /** Stores a value at `spec` the way a third tool would (neither ours nor SecretSpec's). */
  put(ctx: Context, spec: string, profile: string, key: string, value: string): void;
}

interface Context {
  dir: string;
  project: string;
  env: NodeJS.ProcessEnv;
}

const PROFILES = ['default', 'development', 'production', 'staging'];

function manifest(ctx: Context, kind: Kind): string {
  const p = JSON.stringify(kind.primary);
  const alt = kind.alternate ? JSON.stringify(kind.alternate) : undefined;
  return `[project]
name = "${ctx.project}"
revision = "1.0"
${alt ? `\n[providers]\nshelf = ${alt}\n` : ''}
[profiles.default]
PRESENT = { description = "stored", providers = [${p}] }
MISSING = { description = "never stored", providers = [${p}] }
OPTIONAL_PRESENT = { description = "optional, stored", required = false, providers = [${p}] }
OPTIONAL_MISSING = { description = "optional, not stored", required = false, providers = [${p}] }
WITH_DEFAULT = { description = "falls back to its default", default = "committed-default", providers = [${p}] }
DEFAULT_STORED = { description = "has a default but is stored", default = "committed-default", providers = [${p}] }
GENERATE_REQUIRED = { description = "required, would be generated", type = "password", generate = true, providers = [${p}] }
GENERATE_OPTIONAL = { description = "optional, would be generated", type = "password", generate = true, required = false, providers = [${p}] }
GENERATE_STORED = { description = "generated earlier", type = "password", generate = true, providers = [${p}] }
GENERATE_EPHEMERAL = { description = "required, generated into a store that keeps nothing", type = "hex", generate = true, providers = ["null"] }
PROMPTED = { description = "prompted only by run", prompt = true, providers = [${p}] }
AS_PATH = { description = "a file path", as_path = true, providers = [${p}] }
AS_PATH_MISSING = { description = "a missing file path", as_path = true, required = false, providers = [${p}] }
FALLBACK = { description = "the second link answers", providers = ["null", ${p}] }
${alt ? `FALLBACK_ALT = { description = "the first link, an alias, answers", providers = ["shelf", ${p}] }\n` : ''}EMPTY = { description = "stored as an empty string, which counts as present", providers = [${p}] }
GROUP_A = { description = "one of a group", required = { at_least_one = ["credentials"] }, providers = [${p}] }
GROUP_B = { description = "one of a group", required = { at_least_one = ["credentials"] }, providers = [${p}] }
ONLY_A = { description = "exactly one", required = { exactly_one = ["single"] }, providers = [${p}] }
ONLY_B = { description = "exactly one", required = { exactly_one = ["single"] }, providers = [${p}] }
COMPOSED = { description = "from present parts", composed = "\${PRESENT}:\${WITH_DEFAULT}" }
COMPOSED_MISSING = { description = "from a missing part", composed = "\${MISSING}/x" }
COMPOSED_OPTIONAL = { description = "optional, from an optional part", required = false, composed = "\${OPTIONAL_MISSING}" }
COMPOSED_NESTED = { description = "from a composition", composed = "\${COMPOSED}+\${GENERATE_OPTIONAL}" }

[profiles.development]
MISSING = { description = "optional in development", required = false }
PRESENT = { description = "a default here, but stored", default = "dev-default" }
DEV_ONLY = { description = "declared in development only", providers = [${p}] }
DEV_MISSING = { description = "declared in development only, not stored", providers = [${p}] }

[profiles.production.defaults]
providers = [${JSON.stringify(kind.production(ctx))}]

[profiles.production]
PROD_PRESENT = { description = "routed by the profile's defaults" }
PROD_MISSING = { description = "routed by the profile's defaults, not stored" }
PROD_COMPOSED = { description = "from a production secret", composed = "\${PROD_PRESENT}-\${PRESENT}" }

[profiles.staging.defaults]
inherit = false
required = false
providers = [${p}]

[profiles.staging]
STAGING_PRESENT = { description = "stored" }
STAGING_MISSING = { description = "optional by the profile's defaults" }
STAGING_REQUIRED = { description = "required despite the profile's defaults", required = true }
`;
}

/** What is stored before either tool looks: [spec, profile, key]. */
function seeds(ctx: Context, kind: Kind): Array<[string, string, string]> {
  const p = kind.primary;
  const out: Array<[string, string, string]> = [
    ...['PRESENT', 'EMPTY', 'OPTIONAL_PRESENT', 'DEFAULT_STORED', 'GENERATE_STORED', 'AS_PATH', 'FALLBACK', 'GROUP_A', 'ONLY_A', 'ONLY_B'].map((k): [string, string, string] => [p, 'default', k]),
    [p, 'development', 'PRESENT'],
    [p, 'development', 'DEV_ONLY'],
    [p, 'production', 'PRESENT'],
    [kind.production(ctx), 'production', 'PROD_PRESENT'],
    [p, 'staging', 'STAGING_PRESENT'],
  ];
  if (kind.alternate) out.push([kind.alternate, 'default', 'FALLBACK_ALT']);
  return out;
}

const putDotenv: Kind['put'] = (ctx, spec, _profile, key, value) => {
  const file = join(ctx.dir, spec.replace(/^dotenv:(\/\/)?/, ''));
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${key}=${value}\n`);
};

const putFile: Kind['put'] = (ctx, spec, profile, key, value) => {
  const root = spec.slice('file:'.length);
  const dir = join(root.startsWith('///') ? root.slice(2) : join(ctx.dir, root), ctx.project, profile);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, key), value);
};

/** `{project}/{profile}/{key}` expanded as both tools do; the default template when a URI names none. */
function entryName(spec: string, project: string, profile: string, key: string): string {
  const template = spec.match(/^[a-z]+:\/\/([^?]+)/)?.[1] ?? 'secretspec/{project}/{profile}/{key}';
  return template.replaceAll('{project}', project).replaceAll('{profile}', profile).replaceAll('{key}', key);
}

const putKeyring: Kind['put'] = (ctx, spec, profile, key, value) => {
  execFileSync('secret-tool', ['store', '--label=seeded for the oracle', 'service', entryName(spec, ctx.project, profile, key), 'username', userInfo().username], {
    env: { ...process.env, ...ctx.env },
    input: value,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
};

const putPass: Kind['put'] = (ctx, spec, profile, key, value) => {
  const storeDir = spec.match(/store_dir=([^&]+)/)?.[1];
  execFileSync('pass', ['insert', '-m', '-f', entryName(spec, ctx.project, profile, key)], {
    env: { ...process.env, ...ctx.env, ...(storeDir ? { PASSWORD_STORE_DIR: decodeURIComponent(storeDir) } : {}) },
    input: `${value}\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
};

const KINDS: Kind[] = [
  { name: 'dotenv', primary: 'dotenv:.env', alternate: 'dotenv:config/.env.local', production: () => 'dotenv://.env.production', put: putDotenv },
  {
    name: 'env',
    primary: 'env',
    production: () => 'env://',
    put: (ctx, _spec, _profile, key, value) => {
      ctx.env[key] = value;
    },
  },
  { name: 'file', primary: 'file:./.secrets', alternate: 'file:.secrets-alt', production: (ctx) => `file://${join(ctx.dir, 'prod secrets')}`, put: putFile },
  {
    name: 'keyring',
    primary: 'keyring',
    alternate: 'keyring://oracle-alt/{project}/{profile}/{key}',
    production: () => 'keyring://secretspec/{project}/{profile}/{key}',
    packages: keyringPackages,
    start: startKeyring,
    put: putKeyring,
  },
  {
    name: 'pass',
    primary: 'pass',
    alternate: 'pass://oracle-alt/{project}/{profile}/{key}',
    // The same store, named by URI rather than by PASSWORD_STORE_DIR.
    production: (ctx) => `pass://prod/{project}/{profile}/{key}?store_dir=${encodeURIComponent(ctx.env.PASSWORD_STORE_DIR!)}`,
    packages: passPackages,
    start: createPassStore,
    put: putPass,
  },
];

const oracleReason = oracleSkip();

for (const kind of KINDS) {
  const packages = oracleReason ? undefined : kind.packages?.();
  const skip = oracleReason || (packages && !packages.ok ? packages.reason! : false);

  describe(`presence on ${kind.name}: secretspec/check equals secretspec check --json`, { skip }, () => {
    let base: string;
    let home: string;
    let store: Store | undefined;
    let client: LspClient | undefined;
    let file: string;
    let uri: string;
    const ctx: Context = { dir: '', project: `oracle-${kind.name}`, env: {} };

    before(async () => {
      base = mkdtempSync(join(tmpdir(), `oracle-presence-${kind.name}-`));
      home = join(base, 'home');
      ctx.dir = join(base, 'project');
      mkdirSync(ctx.dir, { recursive: true });
      if (kind.start) {
        store = await kind.start(base);
        Object.assign(ctx.env, store.env);
      }
      const text = manifest(ctx, kind);
      file = join(ctx.dir, 'secretspec.toml');
      writeFileSync(file, text);
      for (const [spec, profile, key] of seeds(ctx, kind)) kind.put(ctx, spec, profile, key, key === 'EMPTY' ? '' : `seeded-${key.toLowerCase()}`);
      client = await LspClient.start({ initializationOptions: { trusted: true }, env: privateEnv(home, ctx.env) });
      uri = client.open(file, text);
      await client.waitForDiagnostics(uri);
    });

    after(async () => {
      await client?.stop();
      await store?.stop();
      rmSync(base, { recursive: true, force: true });
    });

    test('every profile: the same report, entry by entry, and nothing left undetermined', async (t) => {
      const ours = await client!.request<CheckResult>('secretspec/check', { textDocument: { uri } });
      assert.deepEqual(
        ours.results.map((r) => r.profile),
        PROFILES,
      );
      let compared = 0;
      for (const { profile, report, unresolved } of ours.results) {
        assert.deepEqual(unresolved, [], `${profile}: our check could not determine some secrets`);
        compared += assertSameReport(report, cliReport(file, profile, home, ctx.env), profile);
      }
      t.diagnostic(`${kind.name}: ${compared} secret entries agree across ${PROFILES.length} profiles`);

      // The CLI's value-free pass minted and stored nothing: our view of the stores is unchanged.
      const again = await client!.request<CheckResult>('secretspec/check', { textDocument: { uri } });
      assert.deepEqual(again, ours, 'the store changed while the CLI checked it');
    });
  });
}
