// Runs inside code-server's extension host with the real `vscode` API
// (extensionTestsPath). Results go to $SECRETSPEC_E2E_RESULTS because the
// remote extension host exits 0 whatever run() does.
// SECRETSPEC_E2E_MODE: "trusted" (full flow, keyring session) or "untrusted".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SecretSpecTestApi } from '../../../client/src/extension';
import { EXTENSION_ID, scriptedUi, t, until, writeResults } from './harness';
import type { PresenceNode } from '../../../client/src/views/presenceTree';

const CANARY_ENV = 'e2e-canary-dotenv-5b1f0c';
const CANARY_KEYRING = 'e2e-canary-keyring-93ad7e';
const SEEDED_KEYRING = 'e2e-seeded-keyring-value';

const pickLabel = (label: string | RegExp) => (kind: string, arg: unknown) => {
  assert.equal(kind, 'pick');
  const items = (arg as { items: vscode.QuickPickItem[] }).items;
  const found = items.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label)));
  assert.ok(found, `no item ${label} in ${items.map((i) => i.label).join(', ')}`);
  return found;
};

function tree(api: SecretSpecTestApi, node?: PresenceNode): PresenceNode[] {
  return api.tree.getChildren(node);
}

function secretsOf(api: SecretSpecTestApi, profile: string): Map<string, vscode.TreeItem> {
  const [manifest] = tree(api);
  const prof = tree(api, manifest).find((p) => p.kind === 'profile' && p.row.profile === profile);
  assert.ok(prof, `no profile ${profile}`);
  return new Map(tree(api, prof).map((n) => [n.kind === 'secret' ? n.row.name : '?', api.tree.getTreeItem(n)]));
}

function secretNode(api: SecretSpecTestApi, profile: string, name: string): PresenceNode {
  const [manifest] = tree(api);
  const prof = tree(api, manifest).find((p) => p.kind === 'profile' && p.row.profile === profile)!;
  const node = tree(api, prof).find((n) => n.kind === 'secret' && n.row.name === name);
  assert.ok(node, `no secret ${profile}/${name}`);
  return node;
}

const iconOf = (item: vscode.TreeItem | undefined) => (item?.iconPath as vscode.ThemeIcon | undefined)?.id;

async function keyring(): Promise<typeof import('@napi-rs/keyring')> {
  return import('@napi-rs/keyring');
}
const keyringEntry = async (profile: string, name: string) =>
  new (await keyring()).Entry(`secretspec/shop/${profile}/${name}`, userInfo().username, { linux: { store: 'secret-service' } });

async function trustedSuite(api: SecretSpecTestApi, ws: vscode.Uri): Promise<void> {
  const manifest = vscode.Uri.joinPath(ws, 'secretspec.toml');
  const envFile = join(ws.fsPath, '.env');

  await t('tree: manifest → profiles → secrets with statuses and providers', async () => {
    await until('a ready view with results', () => api.store.viewState() === 'ready' && api.store.entry(manifest)?.result);
    const [m] = tree(api);
    assert.equal(m?.kind, 'manifest');
    const unresolved = api.store.entry(manifest)!.result!.results.flatMap((r) => r.unresolved);
    assert.deepEqual(unresolved, [], 'every secret determined');
    const profiles = tree(api, m).map((p) => (p.kind === 'profile' ? `${p.row.profile}${p.row.active ? '*' : ''}` : '?'));
    assert.deepEqual(profiles, ['default*', 'production']);
    const def = secretsOf(api, 'default');
    assert.equal(iconOf(def.get('DATABASE_URL')), 'pass');
    assert.match(String(def.get('DATABASE_URL')?.description), /^dotenv:/);
    assert.equal(iconOf(def.get('STRIPE_KEY')), 'error');
    assert.equal(def.get('STRIPE_KEY')?.description, 'missing (required)');
    assert.equal(iconOf(def.get('SENTRY_DSN')), 'circle-large-outline');
    assert.equal(iconOf(def.get('SESSION_SECRET')), 'sparkle');
    assert.equal(iconOf(def.get('DATABASE_DSN')), 'link');
    assert.equal(def.get('DATABASE_DSN')?.contextValue, 'secret.composed');
    const tooltip = (def.get('DATABASE_URL')?.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, /PostgreSQL connection string/);
    assert.match(tooltip, /local → dotenv:\.env/);
    const outline = api.store.entry(manifest)?.outline;
    assert.equal(outline?.project, 'shop', 'the outline came from secretspec/outline');
    assert.equal(tree(api).map((n) => api.tree.getTreeItem(n).description)[0], 'project shop');
    const inherited = (secretsOf(api, 'production').get('LOG_LEVEL')?.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(inherited, /Log verbosity/, 'a description inherited from [profiles.default]');
    const prod = secretsOf(api, 'production');
    assert.equal(iconOf(prod.get('DATABASE_URL')), 'pass', 'seeded in the keyring');
    assert.match(String(prod.get('DATABASE_URL')?.description), /^keyring/);
    assert.equal(iconOf(prod.get('STRIPE_KEY')), 'error');
  });

  await t('only-problems filter and reveal declaration', async () => {
    await vscode.commands.executeCommand('secretspec.showOnlyProblems');
    assert.deepEqual([...secretsOf(api, 'default').keys()], ['STRIPE_KEY']);
    await vscode.commands.executeCommand('secretspec.showAllSecrets');
    await vscode.commands.executeCommand('secretspec.revealDeclaration', secretNode(api, 'production', 'STRIPE_KEY'));
    const editor = await until('an editor on the manifest', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.toString(), manifest.toString());
    assert.equal(editor.document.getText(editor.selection), 'STRIPE_KEY');
    assert.equal(editor.selection.start.line, 23);
    await vscode.commands.executeCommand('secretspec.revealDeclaration', secretNode(api, 'production', 'LOG_LEVEL'));
    await until('the inherited declaration selected', () => vscode.window.activeTextEditor?.selection.start.line === 13);
    assert.equal(vscode.window.activeTextEditor!.document.getText(vscode.window.activeTextEditor!.selection), 'LOG_LEVEL');
  });

  await t('select profile is remembered and shown', async () => {
    const ui = scriptedUi([pickLabel('production')]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.selectProfile');
    ui.done();
    assert.equal(api.store.activeProfile, 'production');
    assert.ok(tree(api, tree(api)[0]).some((p) => p.kind === 'profile' && p.row.profile === 'production' && p.row.active));
    api.setUi(scriptedUi([pickLabel('default')]));
    await vscode.commands.executeCommand('secretspec.selectProfile');
    assert.equal(api.store.activeProfile, 'default');
  });

  await t('set: shows the target first, writes .env through a password box, refreshes', async () => {
    const before = readFileSync(envFile, 'utf8');
    let prompt = '';
    const ui = scriptedUi([
      (kind, options) => {
        assert.equal(kind, 'secret');
        prompt = (options as { prompt: string }).prompt;
        return CANARY_ENV;
      },
    ]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.setValue', secretNode(api, 'default', 'STRIPE_KEY'));
    ui.done();
    assert.match(prompt, /\.env/, 'the prompt names the write target');
    const after = readFileSync(envFile, 'utf8');
    assert.ok(after.startsWith(before.trimEnd()), 'existing lines kept');
    assert.match(after, new RegExp(`^STRIPE_KEY=${CANARY_ENV}$`, 'm'));
    await until('STRIPE_KEY present', () => iconOf(secretsOf(api, 'default').get('STRIPE_KEY')) === 'pass');
  });

  await t('set: production writes to the OS keyring', async () => {
    const ui = scriptedUi([() => CANARY_KEYRING]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.setValue', secretNode(api, 'production', 'STRIPE_KEY'));
    ui.done();
    assert.equal((await keyringEntry('production', 'STRIPE_KEY')).getPassword(), CANARY_KEYRING);
    await until('production STRIPE_KEY present', () => iconOf(secretsOf(api, 'production').get('STRIPE_KEY')) === 'pass');
  });

  await t('set: cancelling the password box writes nothing', async () => {
    const before = readFileSync(envFile, 'utf8');
    api.setUi(scriptedUi([() => undefined]));
    await vscode.commands.executeCommand('secretspec.setValue', secretNode(api, 'default', 'SENTRY_DSN'));
    assert.equal(readFileSync(envFile, 'utf8'), before);
  });

  await t('set: asks before replacing a value the check found, and writes nothing when declined', async () => {
    const before = readFileSync(envFile, 'utf8');
    let question = '';
    const ui = scriptedUi([
      (kind, options) => {
        assert.equal(kind, 'confirm', 'asked before the password box');
        question = (options as { message: string }).message;
        assert.equal((options as { action: string }).action, 'Replace');
        return false;
      },
    ]);
    api.setUi(ui);
    assert.equal(await vscode.commands.executeCommand('secretspec.setValue', secretNode(api, 'default', 'DATABASE_URL')), undefined);
    ui.done();
    assert.match(question, /^DATABASE_URL already has a value in profile default \(found in dotenv:/);
    assert.equal(readFileSync(envFile, 'utf8'), before);
  });

  await t('import: dry-run plan, then import without overwriting; re-run converges', async () => {
    const before = readFileSync(envFile, 'utf8');
    let plan: vscode.QuickPickItem[] = [];
    const ui = scriptedUi([
      pickLabel('dotenv:.env.legacy'),
      pickLabel('default'),
      (kind, arg) => {
        plan = (arg as { items: vscode.QuickPickItem[] }).items;
        assert.equal(readFileSync(envFile, 'utf8'), before, 'the dry run wrote nothing');
        return pickLabel(/^\$\(cloud-download\) Import 1 secret$/)(kind, arg);
      },
    ]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.import');
    ui.done();
    const rows = plan.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && !/Import/.test(i.label)).map((i) => `${i.label} ${i.description}`);
    assert.ok(rows.some((r) => /SENTRY_DSN .*import/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /STRIPE_KEY .*differs/.test(r)), rows.join('\n'));
    // In the target, not in the source: the row says what the server said, never "same value".
    const logLevel = rows.find((r) => /LOG_LEVEL/.test(r));
    assert.match(String(logLevel), /not in (the )?source/);
    assert.doesNotMatch(String(logLevel), /same value/);
    const after = readFileSync(envFile, 'utf8');
    assert.match(after, /^SENTRY_DSN=https:\/\/example\.invalid\/1$/m);
    assert.match(after, new RegExp(`^STRIPE_KEY=${CANARY_ENV}$`, 'm'), 'an existing value is never overwritten');
    api.setUi(scriptedUi([pickLabel('dotenv:.env.legacy'), pickLabel('default')]));
    const again = (await vscode.commands.executeCommand('secretspec.import')) as { items: Array<{ name: string; outcome: string }> };
    const outcomes = new Map(again.items.map((i) => [i.name, i.outcome]));
    assert.equal(outcomes.get('SENTRY_DSN'), 'exists');
    assert.equal(outcomes.get('STRIPE_KEY'), 'differs');
    assert.ok(![...outcomes.values()].includes('imported'), 'nothing left to import: the second run converged');
  });

  await t('init: inserts only missing declarations into the existing manifest, keeping its bytes', async () => {
    const before = readFileSync(manifest.fsPath, 'utf8');
    const ui = scriptedUi([
      (kind, options) => {
        assert.equal(kind, 'input');
        assert.equal((options as vscode.InputBoxOptions).value, 'dotenv://.env');
        return 'dotenv://.env';
      },
      (kind, arg) => {
        assert.equal(kind, 'pickMany');
        const items = (arg as { items: vscode.QuickPickItem[] }).items;
        assert.deepEqual(items.map((i) => i.label), ['FEATURE_FLAG_TOKEN']);
        return items;
      },
    ]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.init');
    ui.done();
    const after = readFileSync(manifest.fsPath, 'utf8');
    const added = /^FEATURE_FLAG_TOKEN = \{ description = "[^"\n]+" \}\n/m.exec(after)?.[0];
    assert.ok(added, after);
    assert.equal(after.replace(added, ''), before);
    assert.ok(after.indexOf(added) < after.indexOf('[profiles.production.defaults]'));
  });

  await t('delete: offered where the provider deletes, confirmed in a modal naming the target, removes only that line', async () => {
    const contextOf = (profile: string, name: string) => secretsOf(api, profile).get(name)?.contextValue;
    await until('Delete offered on a .env secret', () => contextOf('default', 'STRIPE_KEY') === 'secret.deletable');
    await until('Delete offered on a keyring secret', () => contextOf('production', 'STRIPE_KEY') === 'secret.deletable');
    assert.equal(contextOf('default', 'DATABASE_DSN'), 'secret.composed', 'a composed secret has nothing to delete');
    const before = readFileSync(envFile, 'utf8');
    assert.match(before, new RegExp(`^STRIPE_KEY=${CANARY_ENV}$`, 'm'));

    let question = '';
    const cancel = scriptedUi([
      (kind, options) => {
        assert.equal(kind, 'confirm');
        question = (options as { message: string }).message;
        return false;
      },
    ]);
    api.setUi(cancel);
    assert.equal(await vscode.commands.executeCommand('secretspec.deleteValue', secretNode(api, 'default', 'STRIPE_KEY')), undefined);
    cancel.done();
    assert.match(question, /STRIPE_KEY/);
    assert.ok(question.includes(`dotenv file ${envFile}, key STRIPE_KEY`), `the question names the target: ${question}`);
    assert.equal(readFileSync(envFile, 'utf8'), before, 'cancelling deletes nothing');

    const ui = scriptedUi([() => true]);
    api.setUi(ui);
    const result = (await vscode.commands.executeCommand('secretspec.deleteValue', secretNode(api, 'default', 'STRIPE_KEY'))) as { target: string } | undefined;
    ui.done();
    assert.match(String(result?.target), /\.env, key STRIPE_KEY$/);
    assert.equal(readFileSync(envFile, 'utf8'), before.replace(`STRIPE_KEY=${CANARY_ENV}\n`, ''), 'every other line kept');
    await until('STRIPE_KEY missing again', () => iconOf(secretsOf(api, 'default').get('STRIPE_KEY')) === 'error');
    assert.equal((await keyringEntry('production', 'STRIPE_KEY')).getPassword(), CANARY_KEYRING, 'another profile\'s store is untouched');
  });

  await t('check now: says what it found', async () => {
    const text = await vscode.commands.executeCommand<string>('secretspec.checkNow');
    // STRIPE_KEY was deleted; FEATURE_FLAG_TOKEN, declared by init without a provider, cannot be checked.
    assert.match(text, /^Checked 1 manifest in \d+\.\d s\. Profile default: 1 required secret missing, 1 secret could not be checked\.$/);
  });

  const original = readFileSync(manifest.fsPath, 'utf8');
  const document = await vscode.workspace.openTextDocument(manifest);
  /** Replaces the manifest's text in the editor and saves it, as a user would. */
  const saveManifest = async (text: string) => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(manifest, new vscode.Range(0, 0, document.lineCount, 0), text);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
  };

  await t('a save with a syntax error keeps the statuses, marked stale; a good save clears the mark', async () => {
    const before = secretsOf(api, 'default').get('DATABASE_URL')?.description;
    await saveManifest(original.replace('[profiles.production]', '[profiles.production'));
    await until('the failed check noticed', () => api.store.entry(manifest)?.error);
    assert.ok(api.store.entry(manifest)?.result, 'the previous statuses are kept');
    const [m] = tree(api);
    assert.match(String(api.tree.getTreeItem(m!).description), /statuses stale/);
    const profile = tree(api, m).find((p) => p.kind === 'profile' && p.row.profile === 'default')!;
    assert.match(String(api.tree.getTreeItem(profile).description), /^stale · /);
    assert.equal(secretsOf(api, 'default').get('DATABASE_URL')?.description, `${before} · stale`);
    await saveManifest(original);
    await until('a fresh check', () => api.store.entry(manifest)?.result && !api.store.entry(manifest)?.error);
    assert.equal(secretsOf(api, 'default').get('DATABASE_URL')?.description, before);
  });

  await t('unknown never reads as present: the profile row and the picker', async () => {
    // Every secret of the profile resolved but one, whose provider (a typo) cannot be asked.
    await saveManifest(
      '[project]\nname = "shop"\n\n[profiles.default]\n' +
        'DATABASE_URL = { description = "PostgreSQL connection string", providers = ["dotenv:.env"] }\n' +
        'TYPO_TOKEN = { description = "Behind a misspelt provider", providers = ["keyrng://"] }\n',
    );
    const result = await until('TYPO_TOKEN unresolved', () => api.store.entry(manifest)?.result?.results.find((r) => r.unresolved.some((u) => u.name === 'TYPO_TOKEN')));
    assert.deepEqual(result.report.secrets.filter((s) => s.status === 'missing_required'), []);
    const [m] = tree(api);
    const profile = tree(api, m).find((p) => p.kind === 'profile' && p.row.profile === 'default')!;
    const description = String(api.tree.getTreeItem(profile).description);
    assert.match(description, /1 unknown/);
    assert.doesNotMatch(description, /present/);
    assert.deepEqual(api.store.profileHealth().get('default'), { missing: 0, unknown: 1 });
    let detail = '';
    api.setUi(
      scriptedUi([
        (kind, arg) => {
          assert.equal(kind, 'pick');
          detail = String((arg as { items: vscode.QuickPickItem[] }).items.find((i) => i.label === 'default')?.detail);
          return undefined;
        },
      ]),
    );
    await vscode.commands.executeCommand('secretspec.selectProfile');
    assert.match(detail, /1 secret could not be checked/);
    assert.doesNotMatch(detail, /present/);
    await saveManifest(original);
    await until('the shop manifest back', () => api.store.entry(manifest)?.result?.results.length === 2);
  });
}

async function untrustedSuite(api: SecretSpecTestApi, ws: vscode.Uri): Promise<void> {
  const manifest = vscode.Uri.joinPath(ws, 'secretspec.toml');
  await t('restricted mode: validation works, no provider asked, the view says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await until('check results', () => api.store.entry(manifest)?.result);
    assert.equal(api.store.viewState(), 'untrusted');
    assert.deepEqual(tree(api), []);
    const result = api.store.entry(manifest)!.result!;
    for (const r of result.results) {
      assert.deepEqual(r.report.secrets.filter((s) => s.source_provider), []);
      for (const u of r.unresolved) assert.equal(u.kind, 'untrusted_workspace');
    }
    const doc = await vscode.workspace.openTextDocument(manifest);
    const line = doc.getText().split('\n').indexOf('[profiles.default]') + 1;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(manifest, new vscode.Position(line, 0), 'BROKEN = { providers = ["local"] }\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diags = await until('a validation error on the unsaved edit', () => {
      const d = vscode.languages.getDiagnostics(manifest).filter((x) => x.range.start.line === line && x.severity === vscode.DiagnosticSeverity.Error);
      return d.length > 0 ? d : undefined;
    });
    assert.match(diags[0]!.message, /description/);
    const undo = new vscode.WorkspaceEdit();
    undo.delete(manifest, new vscode.Range(line, 0, line + 1, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await doc.save();
  });
  writeFileSync(process.env.SECRETSPEC_E2E_READY!, 'waiting for trust');
  await t('granting trust restarts the server and checks for real', async () => {
    await until('trust granted', () => vscode.workspace.isTrusted, 60_000);
    await until('DATABASE_URL found in .env', () => api.store.viewState() === 'ready' && tree(api).length === 1 && iconOf(secretsOf(api, 'default').get('DATABASE_URL')) === 'pass', 30_000);
  });
}

export async function run(): Promise<void> {
  const ws = vscode.workspace.workspaceFolders![0]!.uri;
  let api: SecretSpecTestApi | undefined;
  await t('activates with commands and the test API', async () => {
    const ext = vscode.extensions.getExtension<SecretSpecTestApi | undefined>(EXTENSION_ID);
    assert.ok(ext, 'extension not found');
    api = await ext.activate();
    assert.ok(api, 'no test API: the extension host is not in test mode');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['checkNow', 'selectProfile', 'setValue', 'import', 'init', 'showOutput']) assert.ok(commands.includes(`secretspec.${c}`), c);
  });
  if (api) {
    if (process.env.SECRETSPEC_E2E_MODE === 'untrusted') await untrustedSuite(api, ws);
    else {
      (await keyringEntry('production', 'DATABASE_URL')).setPassword(SEEDED_KEYRING);
      await vscode.commands.executeCommand('secretspec.checkNow');
      await trustedSuite(api, ws);
    }
    api.setUi(undefined);
  }
  writeResults();
}
