// Completion in .vscode/launch.json: the `secretspec` attribute of a
// configuration, its keys, and the workspace's SecretSpec profiles, scopes
// and manifests as values. Names only, from the presence store.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { profileNames } from '../outlineModel';
import type { PresenceStore } from '../presenceStore';
import { jsonLocation } from './jsonLocation';
import { LAUNCH_ATTRIBUTE } from './plan';

export const LAUNCH_JSON_SELECTOR: vscode.DocumentSelector = [{ language: 'jsonc', pattern: '**/.vscode/launch.json' }, { language: 'json', pattern: '**/.vscode/launch.json' }];

const KEYS: Array<[string, string]> = [
  ['profile', 'The SecretSpec profile whose secrets the program gets (default: the active one).'],
  ['scope', 'Only the secrets of this `[scopes.<name>]` of the manifest.'],
  ['file', 'The secretspec.toml to use, relative to the folder (default: the folder\'s own).'],
  ['inject', 'true: put the secrets in the configuration\'s environment at launch instead of starting the program under the SecretSpec runner.'],
];

export class LaunchJsonCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly store: PresenceStore) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const offset = doc.offsetAt(position);
    const text = doc.getText();
    const loc = jsonLocation(text, offset);
    const range = replaceRange(doc, position, text, offset, loc.inString);
    const [root, index, attr, key] = loc.path;
    if (root !== 'configurations' || typeof index !== 'number') return [];
    if (loc.atKey && attr === undefined) {
      const profiles = this.profiles();
      const item = new vscode.CompletionItem(LAUNCH_ATTRIBUTE, vscode.CompletionItemKind.Property);
      const choice = profiles.length ? `\${1|${profiles.map((p) => p.replace(/[|,$}\\]/g, '\\$&')).join(',')}|}` : '$1';
      item.insertText = new vscode.SnippetString(`"${LAUNCH_ATTRIBUTE}": { "profile": "${choice}" }`);
      item.documentation = new vscode.MarkdownString('Start this configuration with a SecretSpec profile\'s secrets in the program\'s environment (through the SecretSpec runner; values never enter the editor).');
      item.range = range;
      return [item];
    }
    if (attr !== LAUNCH_ATTRIBUTE) return [];
    if (loc.atKey && key === undefined) {
      return KEYS.map(([name, doc]) => {
        const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Property);
        item.insertText = new vscode.SnippetString(name === 'inject' ? `"${name}": \${1|true,false|}` : `"${name}": "$1"`);
        item.documentation = new vscode.MarkdownString(doc);
        item.range = range;
        return item;
      });
    }
    if (loc.atKey) return [];
    const values = key === 'profile' ? this.profiles() : key === 'scope' ? this.scopes() : key === 'file' ? this.files(doc.uri) : [];
    return values.map((v) => {
      const item = new vscode.CompletionItem(v, vscode.CompletionItemKind.Value);
      item.insertText = JSON.stringify(v);
      item.filterText = JSON.stringify(v);
      item.range = range;
      return item;
    });
  }

  private profiles(): string[] {
    const names = new Set<string>();
    for (const e of this.store.manifests()) for (const p of e.outline ? profileNames(e.outline) : e.result?.results.map((r) => r.profile) ?? []) names.add(p);
    return [...names];
  }

  private scopes(): string[] {
    const names = new Set<string>();
    for (const e of this.store.manifests()) for (const s of Object.keys(e.outline?.scopes ?? {})) names.add(s);
    return [...names].sort();
  }

  /** Manifests relative to the folder launch.json configures (its .vscode's parent). */
  private files(launchJson: vscode.Uri): string[] {
    const folder = path.dirname(path.dirname(launchJson.fsPath));
    return this.store.manifests().map((e) => path.relative(folder, e.uri.fsPath).split(path.sep).join('/'));
  }
}

/** The string being typed, quotes included, so an item replaces it whole. */
function replaceRange(doc: vscode.TextDocument, position: vscode.Position, text: string, offset: number, inString: boolean): vscode.Range | undefined {
  if (!inString) return undefined;
  const open = text.lastIndexOf('"', offset - 1);
  const close = text[offset] === '"' ? offset + 1 : offset;
  return new vscode.Range(doc.positionAt(open), position.with({ character: position.character + (close - offset) }));
}
