// "Select profile": a QuickPick of every profile with its count of missing
// required secrets; the choice is remembered per workspace.
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export async function selectProfile(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const fromTree = typeof arg === 'object' && arg !== null && (arg as { kind?: string }).kind === 'profile' ? (arg as { row: { profile: string } }).row.profile : undefined;
  let profile = fromTree;
  if (!profile) {
    const counts = ctx.store.profileCounts();
    if (counts.size === 0) {
      void vscode.window.showInformationMessage('No profiles known yet: open a folder with a secretspec.toml, or run SecretSpec: Check Now.');
      return undefined;
    }
    const active = ctx.store.activeProfile;
    const picked = await ctx.ui().pick(
      [...counts].map(([name, missing]) => ({
        label: name,
        description: name === active ? '$(check) active' : undefined,
        detail: missing === 0 ? 'all required secrets present' : `${missing} required secret${missing === 1 ? '' : 's'} missing`,
      })),
      { title: 'SecretSpec: Select profile', placeHolder: `Active: ${active}` },
    );
    profile = picked?.label;
  }
  if (!profile) return undefined;
  await ctx.store.setActiveProfile(profile);
  return profile;
}
