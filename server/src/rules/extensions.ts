// `x-*` extension tables (provider-protocol §7): never an error, never
// rewritten. A table is a plugin's when its name, without `x-` and without
// hyphens/underscores, equals a scheme the manifest uses the same way.
import type { EffectiveProfile } from '../manifest/effective';
import type { DocumentModel, MergedManifest } from '../manifest/model';
import { splitSpec } from '../providers/uri';
import { isTable } from '../manifest/read';
import type { Reporter } from './report';

const squash = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/** Every provider scheme the manifest mentions (aliases resolved to their URIs). */
export function schemesUsed(manifest: MergedManifest): Set<string> {
  const out = new Set<string>();
  const add = (spec: string) => {
    const alias = !spec.includes('://') ? manifest.providers.get(spec) : undefined;
    if (alias) {
      if (alias.uri) out.add(splitSpec(alias.uri.value).scheme);
      return;
    }
    const scheme = splitSpec(spec).scheme;
    if (scheme) out.add(scheme);
  };
  for (const alias of manifest.providers.values()) {
    if (alias.uri) add(alias.uri.value);
    for (const f of alias.fallback ?? []) add(f.value);
    if (alias.cache?.provider) add(alias.cache.provider.value);
    for (const c of alias.credentials) if (c.provider) add(c.provider.value);
  }
  for (const profile of manifest.profiles.values()) {
    for (const p of profile.defaults?.providers?.value ?? []) add(p);
    for (const decl of profile.secrets.values()) for (const p of decl.fields.providers?.value ?? []) add(p);
  }
  return out;
}

/** The scheme that owns extension table `x-<name>`, if the manifest uses it. */
export function ownerOf(table: string, schemes: Iterable<string>): string | undefined {
  const name = squash(table.slice(2));
  for (const s of schemes) if (squash(s) === name) return s;
  return undefined;
}

export function checkExtensionTables(doc: DocumentModel, manifest: MergedManifest, profiles: Map<string, EffectiveProfile>, r: Reporter): void {
  if (!doc.extensionTables.size) return;
  const schemes = schemesUsed(manifest);
  const declared = new Set<string>();
  for (const p of profiles.values()) for (const n of p.secrets.keys()) declared.add(n);
  for (const [name, table] of doc.extensionTables) {
    if (!isTable(table.value)) {
      r.warning('extension-not-table', `\`${name}\` should be a table: \`x-*\` keys are extension tables that belong to tools and plugins.`, table.at, 'key');
      continue;
    }
    const owner = ownerOf(name, schemes);
    const refs = table.value['refs'];
    if (!owner) {
      r.info('extension-unowned', `No provider in this manifest owns \`[${name}]\`; SecretSpec ignores it, and so does every plugin in use.`, table.at, 'key', {
        data: { table: name },
      });
      // Plugin tables are never rewritten, so a renamed secret can leave a stale key behind.
      for (const key of isTable(refs) ? Object.keys(refs) : []) {
        if (!declared.has(key)) {
          r.info('extension-stale-ref', `\`[${name}.refs]\` names '${key}', which is not a declared secret.`, table.at, 'key', {
            sub: ['refs', key],
            data: { table: name, name: key },
          });
        }
      }
      continue;
    }
    if (!isTable(refs)) continue;
    for (const key of Object.keys(refs)) {
      if (!declared.has(key)) {
        r.warning('extension-unknown-ref', `\`[${name}.refs]\` names '${key}', which is not a declared secret (the table belongs to the ${owner} plugin).`, table.at, 'key', {
          sub: ['refs', key],
          data: { table: name, scheme: owner, name: key },
        });
      }
    }
  }
}
