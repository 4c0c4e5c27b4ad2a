// The key a provider plugin is asked about for one secret at one store
// (providers-and-check §A.8, §E). Plugins address secrets only by (project,
// profile, key), so a native address (`ref`, `refs.<alias>`, an alias `ref`
// template) can be honoured only where SecretSpec's address is that key
// itself: the flat stores dotenv and env, where `item` replaces the key.
// Anywhere else the secret cannot be reached and the caller says so rather
// than asking about the wrong entry. Pure.
import type { ErrorKind } from '../../../protocol/src';
import type { EffectiveSecret } from '../manifest/effective';
import { REF_COORDINATES, type MergedManifest, type RefCoords } from '../manifest/model';
import { builtinProvider } from '../providers/registry';
import { nativeKey, type NativeCoordinates } from '../providers/store';
import { splitSpec } from '../providers/uri';
import type { Endpoint } from './route';

export interface Problem {
  kind: ErrorKind;
  message: string;
}

export type Addressed = { ok: true; key: string } | { ok: false; problem: Problem };

interface NativeAddress {
  coords: RefCoords;
  /** How the manifest states it, for messages. */
  how: string;
  /** An alias template: `{project}`, `{profile}`, `{key}` expand. */
  template: boolean;
}

/** The native address that applies at `at`, by SecretSpec's precedence: legacy `ref`, `refs.<alias>`, the alias template. */
function nativeAddress(secret: EffectiveSecret, at: Endpoint, manifest: MergedManifest): NativeAddress | undefined {
  const ref = secret.fields.ref?.value;
  if (ref) return { coords: ref, how: '`ref`', template: false };
  if (!at.alias) return undefined;
  const scoped = secret.fields.refs?.value[at.alias];
  if (scoped) return { coords: scoped, how: `\`refs.${at.alias}\``, template: false };
  const aliasRef = manifest.providers.get(at.alias)?.ref?.value;
  if (aliasRef) return { coords: aliasRef, how: `the \`ref\` template of provider alias '${at.alias}'`, template: true };
  return undefined;
}

/** SecretSpec expands alias templates in a single pass: a placeholder inside a substituted value stays as it is. */
function expand(template: string, project: string, profile: string, key: string): string {
  const values: Record<string, string> = { project, profile, key };
  return template.replace(/\{(project|profile|key)\}/g, (_, name: string) => values[name]!);
}

/** Whether the store a URI names takes native addresses (Stores.takesNativeAddresses). */
export type TakesNative = (uri: string) => boolean;

export function addressKey(secret: EffectiveSecret, at: Endpoint, manifest: MergedManifest, where: { project: string; profile: string }, takesNative?: TakesNative): Addressed {
  const native = nativeAddress(secret, at, manifest);
  if (!native) return { ok: true, key: secret.name };
  if (takesNative?.(at.uri)) {
    // SecretSpec's item defaults to the key; an alias template expands in every coordinate.
    const place = (text: string): string => (native.template ? expand(text, where.project, where.profile, secret.name) : text);
    const coords: NativeCoordinates = { item: place(native.coords.item ?? secret.name) };
    for (const c of REF_COORDINATES) if (c !== 'item' && native.coords[c] !== undefined) coords[c] = place(native.coords[c]);
    return { ok: true, key: nativeKey(coords) };
  }
  const record = builtinProvider(splitSpec(at.uri).scheme);
  // A store that keeps nothing accepts and ignores every coordinate.
  if (record?.storesNothing) return { ok: true, key: secret.name };
  if (!record?.itemIsKey) {
    return {
      ok: false,
      problem: {
        kind: 'unsupported',
        message: `Secret '${secret.name}' is addressed by ${native.how}, but provider plugins address secrets only by project, profile and key, so ${at.display} cannot be asked about it; use the secretspec CLI for this secret`,
      },
    };
  }
  const item = native.coords.item;
  const extra = REF_COORDINATES.find((c) => c !== 'item' && native.coords[c] !== undefined);
  if (extra) {
    return {
      ok: false,
      problem: {
        kind: 'unsupported',
        message: `the ${record.name} provider does not support the \`${extra}\` coordinate. Drop \`${extra}\` from the ref for \`${item ?? secret.name}\`, or give this provider its own address with \`refs.<alias>\` or an alias \`ref\` template`,
      },
    };
  }
  if (item === undefined) return { ok: true, key: secret.name };
  return { ok: true, key: native.template ? expand(item, where.project, where.profile, secret.name) : item };
}
