// `[scopes]` (manifest-rules §6), after all profiles.
import type { EffectiveProfile } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import type { Reporter } from './report';

export function checkScopes(manifest: MergedManifest, profiles: Map<string, EffectiveProfile>, r: Reporter): void {
  if (!manifest.scopes.size) return;
  const declared = new Set<string>();
  for (const p of profiles.values()) for (const n of p.secrets.keys()) declared.add(n);
  for (const name of [...manifest.scopes.keys()].sort()) {
    const scope = manifest.scopes.get(name)!;
    if (name.trim() === '') {
      r.error('scope-blank-name', 'Scope names cannot be empty', scope.at, 'key');
      continue;
    }
    if (!scope.secrets) continue;
    if (!scope.secrets.length) {
      r.error('scope-empty', `Scope '${name}' lists no secrets; a scope must name at least one`, scope.secretsAt!, 'value');
      continue;
    }
    const seen = new Set<string>();
    for (const entry of scope.secrets) {
      const s = entry.value;
      if (s.trim() === '') r.error('scope-blank-entry', `Scope '${name}' lists an empty secret name`, entry.at, 'value');
      else if (seen.has(s)) r.error('scope-duplicate-entry', `Scope '${name}' lists secret '${s}' more than once`, entry.at, 'value', { data: { scope: name, name: s } });
      else if (!declared.has(s)) {
        r.error('scope-unknown-secret', `Scope '${name}' references secret '${s}', which is not declared in any profile`, entry.at, 'value', {
          data: { scope: name, name: s },
        });
      }
      seen.add(s);
    }
  }
}
