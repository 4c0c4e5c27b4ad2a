// Inlay hints in non-default profiles: after a redeclared secret, the fields
// it still takes from `[profiles.default]` (and from its profile's or the
// project's `[defaults]`). Field names only, never values.
import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node';
import type { SecretField } from '../manifest/model';
import type { Analysis } from '../manifest/analysis';

export function inlayHints(analysis: Analysis, from: number, to: number): InlayHint[] {
  const map = analysis.load.root.map;
  const out: InlayHint[] = [];
  for (const profile of analysis.validation.profiles?.values() ?? []) {
    if (profile.name === 'default') continue;
    for (const s of profile.secrets.values()) {
      if (!s.own || s.own.at.file) continue;
      const node = map.get(s.own.at.path);
      const at = node?.value?.end ?? node?.header?.end ?? node?.key?.end;
      if (at === undefined || at < from || at > to) continue;
      const inherited = (Object.keys(s.fields) as SecretField[]).filter(
        (f) => !s.own!.written.has(f) && !s.fromDefaults.has(f as 'required') && !(f === 'providers' && s.fromProjectDefaults),
      );
      const parts: string[] = [];
      if (s.base && inherited.length) parts.push(`${inherited.join(', ')} from default`);
      if (s.fromDefaults.size) parts.push(`${[...s.fromDefaults].join(', ')} from [profiles.${profile.name}.defaults]`);
      if (s.fromProjectDefaults) parts.push('providers from [defaults]');
      if (!parts.length) continue;
      out.push({ position: map.positionAt(at), label: `inherits ${parts.join('; ')}`, kind: InlayHintKind.Parameter, paddingLeft: true });
    }
  }
  return out;
}
