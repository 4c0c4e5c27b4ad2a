// Which manifest, profile and secret a command acts on: the tree row it was
// invoked on, else the declaration under the cursor, else the user picks.
import * as vscode from 'vscode';
import { declaredNames, profileNames, secretAt } from '../outlineModel';
import type { ManifestEntry, PresenceStore } from '../presenceStore';
import { buildProfiles, healthOf, healthText, isComposed, statusLabel } from '../views/presenceModel';
import { manifestLabel, type PresenceNode } from '../views/presenceTree';
import type { Ui } from './ui';

export interface SecretTarget {
  uri: vscode.Uri;
  profile: string;
  name: string;
}

const isNode = (arg: unknown): arg is PresenceNode => typeof arg === 'object' && arg !== null && 'kind' in arg && 'uri' in arg;

/** A tree row's URI; a server quick fix sends a row's shape as JSON, so its URI arrives as a string. */
const uriOf = (node: PresenceNode): vscode.Uri => (typeof (node.uri as unknown) === 'string' ? vscode.Uri.parse(node.uri as unknown as string) : node.uri);

export async function pickManifest(store: PresenceStore, ui: Ui, arg?: unknown): Promise<ManifestEntry | undefined> {
  if (isNode(arg)) return store.entry(uriOf(arg)) ?? { uri: uriOf(arg) };
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.path.endsWith('/secretspec.toml')) return store.entry(editor.document.uri) ?? { uri: editor.document.uri };
  const all = store.manifests();
  if (all.length <= 1) return all[0];
  const picked = await ui.pick(
    all.map((e) => ({ label: manifestLabel(e.uri), description: e.outline?.project, entry: e })),
    { title: 'SecretSpec: Choose a Manifest', placeHolder: 'Which secretspec.toml?' },
  );
  return picked?.entry;
}

export async function pickProfile(store: PresenceStore, ui: Ui, entry: ManifestEntry, title: string, arg?: unknown): Promise<string | undefined> {
  if (isNode(arg) && arg.kind !== 'manifest') return arg.kind === 'profile' ? arg.row.profile : arg.profile;
  const rows = entry.result ? buildProfiles(entry.result, store.activeProfile) : [];
  const names = rows.length ? rows.map((r) => r.profile) : entry.outline ? profileNames(entry.outline) : ['default'];
  if (names.length === 1) return names[0];
  const active = store.activeProfile;
  const ordered = [...names.filter((n) => n === active), ...names.filter((n) => n !== active)];
  const picked = await ui.pick(
    ordered.map((n) => {
      const row = rows.find((r) => r.profile === n);
      return { label: n, description: n === active ? 'active' : undefined, detail: row ? healthText(healthOf(row)) : undefined };
    }),
    { title, placeHolder: 'Which profile?' },
  );
  return picked?.label;
}

export async function resolveSecretTarget(store: PresenceStore, ui: Ui, title: string, arg?: unknown): Promise<SecretTarget | undefined> {
  if (isNode(arg) && arg.kind === 'secret') return { uri: uriOf(arg), profile: arg.profile, name: arg.row.name };
  if (!isNode(arg)) {
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.uri.path.endsWith('/secretspec.toml')) {
      const outline = await store.outline(editor.document.uri);
      const at = outline && secretAt(outline, editor.document.uri.toString(), editor.selection.active.line);
      if (at) return { uri: editor.document.uri, ...at };
    }
  }
  const entry = await pickManifest(store, ui, arg);
  if (!entry) return undefined;
  const profile = await pickProfile(store, ui, entry, title, arg);
  if (!profile) return undefined;
  const row = entry.result ? buildProfiles(entry.result, store.activeProfile, entry.outline).find((r) => r.profile === profile) : undefined;
  const secrets = row?.secrets.filter((s) => !isComposed(s.status)) ?? [];
  const items: vscode.QuickPickItem[] = secrets.length
    ? secrets.map((s) => ({ label: s.name, description: statusLabel(s), detail: s.provider }))
    : (entry.outline ? declaredNames(entry.outline, profile) : []).map((n) => ({ label: n }));
  // Problems first: that is what one usually sets.
  items.sort((a, b) => Number(b.description?.startsWith('missing') ?? 0) - Number(a.description?.startsWith('missing') ?? 0));
  const picked = await ui.pick(items, { title, placeHolder: `Which secret of profile ${profile}?`, matchOnDescription: true });
  return picked ? { uri: entry.uri, profile, name: picked.label } : undefined;
}
