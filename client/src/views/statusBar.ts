// The active profile and its missing required secrets, in the status bar
// and as a language status item on secretspec.toml; both open the profile
// picker.
import * as vscode from 'vscode';
import type { PresenceStore } from '../presenceStore';

export class ProfileStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('secretspec.profile', vscode.StatusBarAlignment.Left, 50);
  private readonly language = vscode.languages.createLanguageStatusItem('secretspec.profile', { language: 'secretspec' });
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: PresenceStore) {
    this.item.name = 'SecretSpec Profile';
    this.item.command = 'secretspec.selectProfile';
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
    const missing = this.store.profileCounts().get(profile);
    const known = missing !== undefined && state === 'ready';
    this.item.text = known && missing > 0 ? `$(key) ${profile} $(warning) ${missing}` : `$(key) ${profile}`;
    this.item.backgroundColor = known && missing > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const detail = !known
      ? state === 'untrusted'
        ? 'presence is not checked in Restricted Mode'
        : 'presence not known yet'
      : missing === 0
        ? 'all required secrets present'
        : `${missing} required secret${missing === 1 ? '' : 's'} missing`;
    this.item.tooltip = `SecretSpec profile ${profile}: ${detail}. Click to select a profile.`;
    this.item.accessibilityInformation = { label: `SecretSpec profile ${profile}, ${detail}` };
    this.language.text = `$(key) ${profile}`;
    this.language.detail = detail;
    this.language.severity = known && missing > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
    this.language.dispose();
  }
}
