// A language status item on secretspec.toml: which SecretSpec release the
// manifest is checked against (the user's CLI, or the newest one known).
import * as vscode from 'vscode';
import type { DidChangeEngineParams } from '../../../protocol/src/index';

export class EngineStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('secretspec.engine', { language: 'secretspec' });
  private readonly subscription: vscode.Disposable;

  constructor(onDidChangeEngine: vscode.Event<DidChangeEngineParams>) {
    this.item.name = 'SecretSpec Release';
    this.item.text = 'SecretSpec';
    this.item.detail = 'looking for the secretspec CLI…';
    this.item.command = { command: 'workbench.action.openSettings', title: 'Configure', arguments: ['secretspec.cli.path'] };
    this.subscription = onDidChangeEngine((e) => {
      this.item.text = `SecretSpec ${e.version}`;
      this.item.detail = e.cli ? `checked as your CLI (${e.cli})` : `newest release known; ${e.reason ?? 'no CLI found'}`;
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
