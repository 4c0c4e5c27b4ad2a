// `ref` coordinates a statically known provider does not accept
// (manifest-rules §3.10, Appendix B; providers-and-check §A.9 item 6). On a
// single-store route SecretSpec refuses before any fetch, so `check` fails
// as a whole: a Warning. In a chain it fails only when a read reaches that
// store: Information.
import type { EffectiveProfile } from '../manifest/effective';
import type { MergedManifest, Origin, RefCoords } from '../manifest/model';
import { builtinProvider } from '../providers/registry';
import type { SchemeRecord } from '../providers/scheme';
import { splitSpec } from '../providers/uri';
import type { Reporter } from './report';

const EXTRA_COORDINATES = ['field', 'vault', 'section', 'version'] as const;

interface Store {
  provider: SchemeRecord;
  alias?: string;
}

/** The built-in store a spec names, through a leaf alias; undefined when not statically known. */
function storeOf(spec: string, manifest: MergedManifest): Store | undefined {
  const alias = spec.includes('://') ? undefined : manifest.providers.get(spec);
  if (alias) {
    if (alias.kind === 'cached-fallback' || alias.kind === 'inline-cached' || !alias.uri) return undefined;
    const provider = builtinProvider(splitSpec(alias.uri.value).scheme);
    return provider ? { provider, alias: spec } : undefined;
  }
  const provider = builtinProvider(splitSpec(spec).scheme);
  return provider ? { provider } : undefined;
}

function message(provider: SchemeRecord, coord: string, item: string | undefined): string {
  return `the ${provider.name} provider does not support the \`${coord}\` coordinate. Drop \`${coord}\` from the ref for \`${item ?? ''}\`, or give this provider its own address with \`refs.<alias>\` or an alias \`ref\` template (0.19+)`;
}

function checkCoords(coords: RefCoords, at: Origin, store: Store, single: boolean, r: Reporter, sub: string[] = []): void {
  for (const c of EXTRA_COORDINATES) {
    if (coords[c] === undefined || store.provider.refCoordinates.includes(c)) continue;
    r.add(single ? 'warning' : 'information', 'unsupported-ref-coordinate', message(store.provider, c, coords.item), at, 'key', {
      sub: [...sub, c],
      data: { coordinate: c, provider: store.provider.name },
    });
  }
}

export function checkRefCoordinates(manifest: MergedManifest, profiles: Map<string, EffectiveProfile>, r: Reporter): void {
  for (const profile of profiles.values()) {
    for (const s of profile.secrets.values()) {
      if (s.sameAsDefault) continue;
      const ref = s.fields.ref;
      const refs = s.fields.refs;
      if (!ref && !refs) continue;
      const chain = s.fields.providers?.value ?? [];
      if (!chain.length) continue;
      if (ref) {
        const stores = chain.map((spec) => storeOf(spec, manifest));
        stores.forEach((store) => store && checkCoords(ref.value, ref.at, store, chain.length === 1, r));
      }
      if (refs) {
        for (const [alias, coords] of Object.entries(refs.value)) {
          const store = storeOf(alias, manifest);
          if (store?.alias) checkCoords(coords, refs.at, store, chain.length === 1 && chain[0] === alias, r, [alias]);
        }
      }
    }
  }
  for (const alias of manifest.providers.values()) {
    if (!alias.ref || !alias.uri) continue;
    const provider = builtinProvider(splitSpec(alias.uri.value).scheme);
    if (provider) checkCoords(alias.ref.value, alias.ref.at, { provider, alias: alias.name }, true, r);
  }
}
