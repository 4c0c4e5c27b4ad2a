// "Select Profile": a QuickPick of every SecretSpec profile with its missing
// and unknown secrets; the choice is remembered per workspace.
import * as vscode from 'vscode';
import { healthText, needsAttention } from '../views/presenceModel';
import type { CommandContext } from './context';

export async function selectProfile(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const fromTree = typeof arg === 'object' && arg !== null && (arg as { kind?: string }).kind === 'profile' ? (arg as { row: { profile: string } }).row.profile : undefined;
  let profile = fromTree;
  if (!profile) {
    const health = ctx.store.profileHealth();
    if (health.size === 0) {
      void vscode.window.showInformationMessage('No SecretSpec profiles known yet: open a folder with a secretspec.toml, or run SecretSpec: Check Now.');
      return undefined;
    }
    const active = ctx.store.activeProfile;
    const picked = await ctx.ui().pick(
      [...health].map(([name, h]) => ({
        label: name,
        description: name === active ? '$(check) active' : undefined,
        detail: `${needsAttention(h) ? '$(warning) ' : ''}${healthText(h)}`,
      })),
      { title: 'SecretSpec: Select Profile', placeHolder: `Active SecretSpec profile: ${active}` },
    );
    profile = picked?.label;
  }
  if (!profile) return undefined;
  await ctx.store.setActiveProfile(profile);
  return profile;
}
