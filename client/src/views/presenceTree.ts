// The "Secrets" view: manifest → profile → secret, from the PresenceStore.
// Rows carry `contextValue`s the menus in package.json key on.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckResult, WriteTargetResult } from '../../../protocol/src/index';
import { outlineSecret, primaryProvider, providerChain } from '../outlineModel';
import { isStale, type ManifestEntry, type PresenceStore } from '../presenceStore';
import { adviceFor, buildProfiles, healthOf, healthText, isComposed, onlyProblems, profileDescription, shortProvider, statusLabel, type PresenceStatus, type ProfileRow, type SecretRow } from './presenceModel';

export const VIEW_ID = 'secretspec.presence';
export const ONLY_PROBLEMS_CONTEXT_KEY = 'secretspec.onlyProblems';

export type PresenceNode =
  | { kind: 'manifest'; uri: vscode.Uri }
  | { kind: 'profile'; uri: vscode.Uri; row: ProfileRow }
  | { kind: 'secret'; uri: vscode.Uri; profile: string; row: SecretRow };

const ICONS: Record<PresenceStatus, [string, string]> = {
  resolved: ['pass', 'testing.iconPassed'],
  missing_required: ['error', 'problemsErrorIcon.foreground'],
  missing_optional: ['circle-large-outline', 'descriptionForeground'],
  default_applied: ['symbol-constant', 'charts.blue'],
  will_generate: ['sparkle', 'charts.purple'],
  composed: ['link', 'charts.blue'],
  composed_missing: ['link', 'problemsErrorIcon.foreground'],
  unresolved: ['question', 'problemsWarningIcon.foreground'],
};

const STALE_WHY = 'The latest check failed (see the manifest row); these statuses are from the check before it and may be out of date.';

/** Asks the server where a write for one secret goes (`secretspec/writeTarget`). */
export type WriteTargetQuery = (uri: vscode.Uri, profile: string, name: string) => Promise<WriteTargetResult>;

export class PresenceTreeProvider implements vscode.TreeDataProvider<PresenceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PresenceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private problemsOnly = false;
  private readonly subscription: vscode.Disposable;
  /**
   * Whether Delete is offered, per (profile, primary provider) of one check
   * result: a new check (after a write, a settings change) starts afresh, and
   * one writeTarget question answers for every secret sharing that provider.
   */
  private readonly deletable = new WeakMap<CheckResult, Map<string, boolean | undefined>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly writeTarget: WriteTargetQuery,
  ) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
    void vscode.commands.executeCommand('setContext', ONLY_PROBLEMS_CONTEXT_KEY, false);
  }

  setOnlyProblems(on: boolean): void {
    this.problemsOnly = on;
    void vscode.commands.executeCommand('setContext', ONLY_PROBLEMS_CONTEXT_KEY, on);
    this.changed.fire(undefined);
  }

  getChildren(node?: PresenceNode): PresenceNode[] {
    // Empty while a welcome view explains the state (no manifest, untrusted, no provider).
    if (!node) return this.store.viewState() === 'ready' ? this.store.manifests().map((e) => ({ kind: 'manifest', uri: e.uri })) : [];
    if (node.kind === 'manifest') {
      const entry = this.store.entry(node.uri);
      if (!entry?.result) return [];
      return buildProfiles(entry.result, this.store.activeProfile, entry.outline).map((row) => ({ kind: 'profile', uri: node.uri, row }));
    }
    if (node.kind === 'profile') {
      const rows = this.problemsOnly ? onlyProblems(node.row.secrets) : node.row.secrets;
      return rows.map((row) => ({ kind: 'secret', uri: node.uri, profile: node.row.profile, row }));
    }
    return [];
  }

  getTreeItem(node: PresenceNode): vscode.TreeItem {
    if (node.kind === 'manifest') return this.manifestItem(node.uri);
    if (node.kind === 'profile') {
      const item = new vscode.TreeItem(node.row.profile, node.row.active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${node.uri.toString()}#${node.row.profile}`;
      const stale = isStale(this.store.entry(node.uri));
      item.description = profileDescription(node.row, stale);
      item.iconPath = new vscode.ThemeIcon(
        node.row.active ? 'star-full' : 'layers',
        new vscode.ThemeColor(node.row.missingRequired > 0 ? 'problemsErrorIcon.foreground' : node.row.unresolved > 0 ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'),
      );
      item.contextValue = node.row.active ? 'profile.active' : 'profile';
      item.tooltip = `SecretSpec profile ${node.row.profile}${node.row.active ? ' (active)' : ''}: ${healthText(healthOf(node.row))}${stale ? `, as of the last check that succeeded (${STALE_WHY})` : ''}`;
      return item;
    }
    return this.secretItem(node);
  }

  getParent(node: PresenceNode): PresenceNode | undefined {
    if (node.kind === 'manifest') return undefined;
    if (node.kind === 'profile') return { kind: 'manifest', uri: node.uri };
    const entry = this.store.entry(node.uri);
    const row = entry?.result && buildProfiles(entry.result, this.store.activeProfile, entry.outline).find((p) => p.profile === node.profile);
    return row ? { kind: 'profile', uri: node.uri, row } : undefined;
  }

  private manifestItem(uri: vscode.Uri): vscode.TreeItem {
    const entry = this.store.entry(uri) as ManifestEntry | undefined;
    const item = new vscode.TreeItem(manifestLabel(uri), vscode.TreeItemCollapsibleState.Expanded);
    item.id = uri.toString();
    item.resourceUri = uri;
    item.iconPath = new vscode.ThemeIcon(entry?.error ? 'warning' : 'file-code');
    item.contextValue = 'manifest';
    const project = entry?.outline?.project;
    item.description = isStale(entry) ? 'check failed · statuses stale' : entry?.error ? 'check failed' : project ? `project ${project}` : undefined;
    item.tooltip = entry?.error ? `${uri.fsPath}\n\nThe last check failed: ${entry.error}${isStale(entry) ? `\n\n${STALE_WHY}` : ''}` : uri.fsPath;
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    return item;
  }

  private secretItem(node: Extract<PresenceNode, { kind: 'secret' }>): vscode.TreeItem {
    const { row } = node;
    const item = new vscode.TreeItem(row.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.uri.toString()}#${node.profile}#${row.name}`;
    const [icon, color] = ICONS[row.status];
    const stale = isStale(this.store.entry(node.uri));
    // A stale row keeps its icon's shape but loses its colour, so it no longer reads as a fresh verdict.
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(stale ? 'disabledForeground' : color));
    const status = row.status === 'resolved' && row.provider ? shortProvider(row.provider, path.dirname(node.uri.fsPath)) : statusLabel(row);
    item.description = stale ? `${status} · stale` : status;
    item.contextValue = isComposed(row.status) ? 'secret.composed' : this.isDeletable(node) ? 'secret.deletable' : 'secret';
    item.tooltip = this.secretTooltip(node);
    item.accessibilityInformation = { label: `${row.name}, ${statusLabel(row)}${row.provider ? `, from ${row.provider}` : ''}` };
    item.command = { command: 'secretspec.revealDeclaration', title: 'Go to Declaration', arguments: [node] };
    return item;
  }

  private secretTooltip(node: Extract<PresenceNode, { kind: 'secret' }>): vscode.MarkdownString {
    const { row } = node;
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**').appendText(row.name).appendMarkdown('** · ').appendText(`${statusLabel(row)} in profile ${node.profile}`);
    if (isStale(this.store.entry(node.uri))) md.appendMarkdown('\n\n$(history) ').appendText(STALE_WHY);
    const outline = this.store.entry(node.uri)?.outline;
    const declared = outline && outlineSecret(outline, node.profile, row.name);
    if (declared?.description) md.appendMarkdown('\n\n').appendText(declared.description);
    if (declared?.inputs) md.appendMarkdown('\n\n').appendText(`Composed from ${declared.inputs.join(', ')}; it has no value of its own to set${row.missingInputs?.length ? `: set ${row.missingInputs.join(', ')} instead` : ''}.`);
    if (row.provider && row.status !== 'unresolved') md.appendMarkdown('\n\nAnswered by ').appendMarkdown('`').appendText(row.provider).appendMarkdown('`');
    if (row.via) md.appendMarkdown('\n\n$(terminal) ').appendText(`Checked ${row.via}`);
    const chain = outline ? providerChain(outline, node.profile, row.name) : [];
    if (chain.length > 0) {
      md.appendMarkdown('\n\nProviders, in order:');
      for (const p of chain) md.appendMarkdown('\n- ').appendText(p);
    }
    if (row.problem) {
      md.appendMarkdown('\n\n$(warning) ').appendText(`Could not be checked (${row.problem.kind}): ${row.problem.message}`);
      md.appendMarkdown('\n\n').appendText(adviceFor(row.problem.kind));
    }
    md.supportThemeIcons = true;
    return md;
  }

  /** Known answer, or false while the question is first asked (the rows are redrawn when it is answered). */
  private isDeletable(node: Extract<PresenceNode, { kind: 'secret' }>): boolean {
    const entry = this.store.entry(node.uri);
    if (!entry?.result) return false;
    // Without an outline the primary is unknown: ask per secret instead.
    const provider = entry.outline ? primaryProvider(entry.outline, node.profile, node.row.name) : `secret ${node.row.name}`;
    if (provider === undefined) return false;
    const known = this.deletable.get(entry.result) ?? new Map<string, boolean | undefined>();
    this.deletable.set(entry.result, known);
    const key = `${node.profile}\u0000${provider}`;
    if (known.has(key)) return known.get(key) ?? false;
    known.set(key, undefined);
    void this.writeTarget(node.uri, node.profile, node.row.name).then(
      (target) => {
        known.set(key, target.deletable === true);
        if (target.deletable === true) this.changed.fire(undefined);
      },
      () => known.set(key, false),
    );
    return false;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function manifestLabel(uri: vscode.Uri): string {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const rel = vscode.workspace.asRelativePath(uri, multiRoot);
  return rel === uri.fsPath ? path.basename(path.dirname(uri.fsPath)) + '/secretspec.toml' : rel;
}
