// The active profile and its missing and unknown secrets, in the status bar
// (its menu: the profiles, Run with Secrets…, Debug with Secrets…) and as a
// language status item on secretspec.toml (the profile picker).
import * as vscode from 'vscode';
import type { PresenceStore } from '../presenceStore';
import { profileSummary } from './presenceModel';

export class ProfileStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('secretspec.profile', vscode.StatusBarAlignment.Left, 50);
  private readonly language = vscode.languages.createLanguageStatusItem('secretspec.profile', { language: 'secretspec' });
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: PresenceStore) {
    this.item.name = 'SecretSpec Profile';
    this.item.command = 'secretspec.profileMenu';
    this.language.name = 'SecretSpec Profile';
    this.language.command = { command: 'secretspec.selectProfile', title: 'Select Profile' };
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const state = this.store.viewState();
    if (state === 'noManifest' || state === 'loading') {
      this.item.hide();
      return;
    }
    const profile = this.store.activeProfile;
    const health = state === 'ready' ? this.store.profileHealth().get(profile) : undefined;
    const summary = profileSummary(profile, health, { untrusted: state === 'untrusted', stale: this.store.anyStale() });
    this.item.text = summary.text;
    this.item.backgroundColor = summary.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = `SecretSpec profile ${profile}: ${summary.detail}. Click to select a profile, or to run or debug with its secrets.`;
    this.item.accessibilityInformation = { label: `SecretSpec profile ${profile}, ${summary.detail}` };
    this.language.text = `$(key) ${profile}`;
    this.language.detail = summary.detail;
    this.language.severity = summary.warning ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
    this.language.dispose();
  }
}
