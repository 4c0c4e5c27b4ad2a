// "Import Secrets…": choose a source provider and a profile, show the
// server's dry-run plan, and import only after the user confirms. The server
// never overwrites, so running it again after a failure converges.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ImportRequest, type ImportParams, type ImportResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { importSummary, planRow } from './importPlan';
import { pickManifest, pickProfile } from './target';
import { errorText } from './ui';

const TITLE = 'SecretSpec: Import Secrets';
const BUNDLED = ['env://', 'keyring://', 'pass://'];
/** Plugins on PATH (`secretspec-provider-<scheme>`); listing a directory starts nothing. */
function pathPlugins(): string[] {
  const schemes = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    try {
      for (const f of readdirSync(dir)) {
        const m = /^secretspec-provider-([a-z][a-z0-9+.-]*)$/.exec(f);
        if (m) schemes.add(m[1]!);
      }
    } catch {
      // Unreadable PATH entries are common and harmless.
    }
  }
  return [...schemes].sort().map((s) => `${s}://`);
}

function dotenvFiles(manifestDir: string): string[] {
  try {
    return readdirSync(manifestDir).filter((f) => /^\.env(\..+)?$/.test(f)).sort().map((f) => `dotenv:${f}`);
  } catch {
    return [];
  }
}

interface SourceItem extends vscode.QuickPickItem {
  uri?: string;
}

async function pickSource(ctx: CommandContext, aliases: Record<string, string>, manifestDir: string): Promise<string | undefined> {
  const items: SourceItem[] = [
    { label: 'Aliases in this manifest', kind: vscode.QuickPickItemKind.Separator },
    ...Object.entries(aliases).map(([alias, uri]) => ({ label: alias, description: uri, uri: alias })),
    { label: 'Files next to the manifest', kind: vscode.QuickPickItemKind.Separator },
    ...dotenvFiles(manifestDir).map((u) => ({ label: u, uri: u })),
    { label: 'Bundled and installed providers', kind: vscode.QuickPickItemKind.Separator },
    ...[...BUNDLED, ...pathPlugins().filter((p) => !BUNDLED.includes(p))].map((u) => ({ label: u, uri: u })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Other provider URI…' },
  ];
  const picked = await ctx.ui().pick(items, { title: `${TITLE}: from where?`, placeHolder: 'Source provider to copy values from' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const typed = await ctx.ui().input({ title: `${TITLE}: source provider`, prompt: 'A provider URI or alias, e.g. dotenv:.env.legacy or onepassword://vault', validateInput: (v) => (v.trim() ? undefined : 'Enter a provider URI') });
  return typed?.trim() || undefined;
}

interface PlanAction extends vscode.QuickPickItem {
  action?: 'import' | 'importAndDelete';
}

export async function importSecrets(ctx: CommandContext, arg?: unknown): Promise<ImportResult | undefined> {
  const entry = await pickManifest(ctx.store, ctx.ui(), arg);
  if (!entry) {
    void vscode.window.showWarningMessage('No secretspec.toml in this workspace to import into.');
    return undefined;
  }
  const from = await pickSource(ctx, entry.outline?.aliases ?? {}, path.dirname(entry.uri.fsPath));
  if (!from) return undefined;
  const profile = await pickProfile(ctx.store, ctx.ui(), entry, `${TITLE}: into which profile?`, arg);
  if (!profile) return undefined;
  const base: ImportParams = { textDocument: { uri: entry.uri.toString() }, profile, from };
  let plan: ImportResult;
  try {
    plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning import from ${from}…` }, () =>
      ctx.server.request<ImportResult>(ImportRequest, { ...base, dryRun: true }),
    );
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot import from ${from}: ${errorText(err)}`);
    return undefined;
  }
  const toImport = plan.items.filter((i) => i.outcome === 'imported').length;
  if (toImport === 0) {
    void vscode.window.showInformationMessage(`Nothing to import from ${from} into profile ${profile}: ${importSummary(plan, 'done')}.`);
    return plan;
  }
  const items: PlanAction[] = [
    { label: `$(cloud-download) Import ${toImport} secret${toImport === 1 ? '' : 's'}`, detail: 'Values that exist in the target are never overwritten.', action: 'import' },
    { label: `$(trash) Import ${toImport} and delete ${toImport === 1 ? 'it' : 'them'} from ${from}`, detail: 'A source value is deleted only after the target reads back equal.', action: 'importAndDelete' },
    { label: 'Plan', kind: vscode.QuickPickItemKind.Separator },
    ...plan.items.map(planRow),
  ];
  let choice: PlanAction | undefined;
  do {
    choice = await ctx.ui().pick(items, { title: `${TITLE}: ${from} → profile ${profile}`, placeHolder: 'Review the plan, then choose an action' });
    // Picking a plan row only reads it; the loop shows the plan again.
  } while (choice && !choice.action);
  if (!choice) return undefined;
  const deleteSource = choice.action === 'importAndDelete';
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Importing from ${from} into ${profile}…` }, () =>
      ctx.server.request<ImportResult>(ImportRequest, { ...base, dryRun: false, deleteSource }),
    );
    // The server logs the import itself; a second line here would say the same in other words.
    const text = `Import from ${from} into profile ${profile}: ${importSummary(result, 'done')}.`;
    const kept = result.items.filter((i) => i.message && i.outcome !== 'imported' && i.outcome !== 'exists');
    if (kept.length) {
      const shown = kept.slice(0, 3).map((i) => `${i.name} (${i.message})`);
      void vscode.window.showWarningMessage(`${text} Not imported: ${shown.join(', ')}${kept.length > shown.length ? ` and ${kept.length - shown.length} more` : ''}.`);
    } else void vscode.window.showInformationMessage(text);
    await ctx.store.refresh(entry.uri, 'after an import');
    return result;
  } catch (err) {
    void vscode.window.showErrorMessage(`Import from ${from} failed: ${errorText(err)}. Running it again is safe: nothing is overwritten.`);
    await ctx.store.refresh(entry.uri, 'after an import');
    return undefined;
  }
}
