// Per-profile secret rules ([L], manifest-rules §3.3, §3.4, §4.3): raw
// checks on each declaration as written, then checks on every effective
// secret after inheritance. Messages carry SecretSpec's hierarchical prefix.
import { generationEnabled, type EffectiveProfile, type EffectiveSecret } from '../manifest/effective';
import { SECRET_TYPES, type GroupMembership, type MergedManifest, type Origin, type SecretField } from '../manifest/model';
import { newerAccepts, supports, type EngineVersion } from '../engine/version';
import type { Reporter } from './report';

const IDENT = /^[\p{L}_][\p{L}\p{N}_]*$/u;
// Nearly every name is ASCII; this answers those without the Unicode tables.
const ASCII_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The order SecretSpec checks coordinates in, so the first problem listed is the one it reports. */
const COORDINATE_CHECK_ORDER = ['vault', 'item', 'section', 'field', 'version'] as const;

export function isValidSecretName(name: string): boolean {
  return ASCII_IDENT.test(name) || IDENT.test(name);
}

export function checkProfileSecrets(manifest: MergedManifest, profile: EffectiveProfile, engine: EngineVersion, r: Reporter): void {
  const p = profile.name;
  const model = profile.model;
  const hasDefault = manifest.profiles.has('default');
  const emptyAllowed = p !== 'default' && hasDefault && model.defaults?.inherit?.value !== false;
  if (model.secrets.size === 0 && !emptyAllowed && !model.hasUnreadableSecret) {
    r.error('empty-profile', `Profile '${p}': Profile must define at least one secret`, model.at, 'key', { data: { profile: p } });
  }
  for (const name of profile.declared) {
    const decl = model.secrets.get(name)!;
    if (!isValidSecretName(name)) {
      r.error(
        'invalid-secret-name',
        `Profile '${p}': Invalid secret name '${name}': must be a valid identifier (alphanumeric and underscores, not starting with a number)`,
        decl.at,
        'key',
        { data: { name } },
      );
    }
    const req = decl.fields.required;
    if (req?.value === true && decl.written.has('default') && decl.fields.default) {
      r.error('required-with-default', `Profile '${p}': Secret '${name}': Required secrets cannot have default values`, req.at, 'entry', {
        data: { name, required: req.at.path, default: decl.fields.default.at.path },
      });
    }
  }
  const keyTypes = supports(engine, 'keyTypes');
  for (const secret of profile.secrets.values()) if (!secret.sameAsDefault) checkEffectiveSecret(secret, keyTypes ? undefined : engine, r);
}

function wrote(s: EffectiveSecret, field: SecretField): boolean {
  return !!(s.own?.written.has(field) || s.base?.written.has(field));
}

/** SecretSpec's hierarchical message prefix; built only for a secret that has something to report. */
function prefix(s: EffectiveSecret): string {
  return `Profile '${s.profile}': Secret '${s.name}': `;
}

/** `olderEngine`: the user's release predates the 0.21 key types, which it reports as unknown. */
function checkEffectiveSecret(s: EffectiveSecret, olderEngine: EngineVersion | undefined, r: Reporter): void {
  const f = s.fields;

  if (!f.description && !wrote(s, 'description')) {
    r.error('missing-description', `${prefix(s)}missing description`, s.at, 'key', { data: { name: s.name, profile: s.profile } });
  } else if (f.description?.value === '') {
    r.error('empty-description', `${prefix(s)}description cannot be empty`, f.description.at, 'value', { data: { name: s.name } });
  }

  const groups = f.required && typeof f.required.value === 'object' ? f.required.value : undefined;
  if (groups) checkGroupLists(s, groups, r);
  if (f.composed !== undefined) checkComposedConflicts(s, r);

  if (f.prompt?.value === true) {
    const req = f.required?.value;
    if (req === false || (typeof req === 'object' && req !== null)) {
      r.error(
        'prompt-not-required',
        `${prefix(s)}\`prompt = true\` secrets must be individually required; omit \`required\` or set \`required = true\``,
        f.required!.at,
        'entry',
        { data: { name: s.name } },
      );
    }
    const clash = f.default ?? (generationEnabled(s) ? f.generate : undefined) ?? f.extract;
    if (clash) {
      r.error('prompt-conflict', `${prefix(s)}\`prompt = true\` cannot be combined with \`default\`, enabled \`generate\`, or \`extract\``, clash.at, 'key', {
        data: { name: s.name },
      });
    }
  }

  if (f.extract) {
    const pointer = f.extract.value.pointer;
    const err = f.extract.value.format === 'ini' ? iniPointerError(pointer) : jsonPointerError(pointer);
    if (err) r.error('invalid-extract-pointer', `${prefix(s)}${err}`, f.extract.at, 'value', { sub: ['pointer'] });
    if (generationEnabled(s)) {
      r.error('extract-with-generate', `${prefix(s)}\`extract\` cannot be combined with enabled \`generate\`; extracted secrets are read-only`, f.generate!.at, 'key');
    }
  }

  if (f.ref) {
    for (const c of COORDINATE_CHECK_ORDER) {
      const v = f.ref.value[c];
      if (v !== undefined && v.trim() === '') {
        r.error('ref-blank-coordinate', `${prefix(s)}\`ref\` coordinate \`${c}\` cannot be empty or whitespace`, f.ref.at, 'value', { sub: [c] });
      }
    }
  }
  if (f.refs) {
    const aliases = Object.keys(f.refs.value);
    if (!aliases.length) r.error('refs-empty', `${prefix(s)}\`refs\` must name at least one provider alias`, f.refs.at, 'value');
    for (const alias of aliases) {
      if (alias.trim() === '') {
        r.error('refs-blank-alias', `${prefix(s)}\`refs\` provider alias cannot be empty or whitespace`, f.refs.at, 'key', { sub: [alias] });
        continue;
      }
      const coords = f.refs.value[alias]!;
      for (const c of COORDINATE_CHECK_ORDER) {
        const v = coords[c];
        if (v !== undefined && v.trim() === '') {
          r.error('refs-blank-coordinate', `${prefix(s)}\`refs.${alias}\` coordinate \`${c}\` cannot be empty or whitespace`, f.refs.at, 'value', { sub: [alias, c] });
        }
      }
    }
  }

  const type = f.type?.value;
  if (generationEnabled(s)) {
    const gen = f.generate!;
    if (type === undefined && !wrote(s, 'type')) {
      r.error('generate-requires-type', `${prefix(s)}'generate' requires 'type' to be set (e.g., type = "password")`, gen.at, 'key', { data: { name: s.name } });
    }
    if (f.default) {
      r.error('generate-with-default', `${prefix(s)}'generate' and 'default' cannot both be set`, f.default.at, 'key', { data: { name: s.name } });
    }
    if (type === 'command' && (gen.value === true || (typeof gen.value === 'object' && !('command' in gen.value)))) {
      r.error('command-requires-generate-command', `${prefix(s)}type = "command" requires generate = { command = "..." }`, gen.at, 'value');
    }
    if (!olderEngine && (type === 'openpgp_private_key' || type === 'ssh_private_key')) checkKeyGeneration(s, type, r);
  }
  if (type !== undefined && !(SECRET_TYPES as readonly string[]).includes(type)) {
    r.error('unknown-secret-type', `${prefix(s)}unknown secret type '${type}'`, f.type!.at, 'value', { data: { type } });
  } else if (olderEngine && (type === 'openpgp_private_key' || type === 'ssh_private_key')) {
    r.error('unknown-secret-type', `${prefix(s)}unknown secret type '${type}'${newerAccepts(olderEngine, 'keyTypes')}`, f.type!.at, 'value', { data: { type } });
  }
}

const KEY_BITS = { min: 2048, max: 8192 };

/** SecretSpec 0.21's checks of `generate` for OpenPGP and SSH keys, in its order; the first failure is the one it reports. */
function checkKeyGeneration(s: EffectiveSecret, type: 'openpgp_private_key' | 'ssh_private_key', r: Reporter): void {
  const gen = s.fields.generate!;
  const fail = (code: string, message: string, sub?: string) =>
    r.error(code, `${prefix(s)}${message}`, gen.at, sub ? 'entry' : 'value', sub ? { sub: [sub] } : {});
  const opts = gen.value === true ? undefined : (gen.value as Record<string, unknown>);
  const has = (k: string) => opts !== undefined && k in opts;
  const controls = (v: unknown) => typeof v === 'string' && /\p{Cc}/u.test(v);
  if (type === 'openpgp_private_key') {
    if (!opts) return fail('openpgp-requires-user-id', 'type = "openpgp_private_key" requires generate = { user_id = "Name <email>" }');
    if (!has('user_id')) return fail('openpgp-requires-user-id', 'type = "openpgp_private_key" requires generate.user_id');
    const userId = opts['user_id'] as string;
    if (userId.trim() === '') return fail('generate-user-id-blank', 'generate.user_id cannot be empty or whitespace', 'user_id');
    if (controls(userId)) return fail('generate-user-id-control', 'generate.user_id cannot contain control characters', 'user_id');
    if (has('comment')) return fail('generate-comment-not-ssh', 'generate.comment is only valid for type = "ssh_private_key"', 'comment');
  } else {
    if (!opts) return;
    if (has('user_id') || has('capabilities')) {
      return fail('generate-openpgp-only', 'generate.user_id and generate.capabilities are only valid for type = "openpgp_private_key"', has('user_id') ? 'user_id' : 'capabilities');
    }
    if (controls(opts['comment'])) return fail('generate-comment-control', 'generate.comment cannot contain control characters', 'comment');
  }
  const label = type === 'openpgp_private_key' ? 'OpenPGP' : 'SSH';
  const algorithm = has('algorithm') ? (opts!['algorithm'] as string) : 'ed25519';
  if (algorithm === 'ed25519') {
    if (has('bits')) return fail('generate-bits-not-rsa', 'generate.bits is only valid when generate.algorithm = "rsa"', 'bits');
  } else if (algorithm === 'rsa') {
    const bits = has('bits') ? Number(opts!['bits']) : 3072;
    if (bits < KEY_BITS.min || bits > KEY_BITS.max) return fail('generate-bits-range', `${label} RSA generate.bits must be between 2048 and 8192`, 'bits');
  } else {
    return fail('generate-unknown-algorithm', `unknown ${label} algorithm '${algorithm}'; expected \`ed25519\` or \`rsa\``, 'algorithm');
  }
  if (type === 'openpgp_private_key' && has('capabilities')) {
    const caps = opts!['capabilities'] as string[];
    if (caps.length === 0) return fail('generate-capabilities-empty', 'generate.capabilities must contain `sign`, `encrypt`, or both', 'capabilities');
    const seen = new Set<string>();
    for (const c of caps) {
      if (c !== 'sign' && c !== 'encrypt') return fail('generate-unknown-capability', `unknown OpenPGP capability '${c}'; expected \`sign\` or \`encrypt\``, 'capabilities');
      if (seen.has(c)) return fail('generate-duplicate-capability', `generate.capabilities contains duplicate capability '${c}'`, 'capabilities');
      seen.add(c);
    }
  }
}

// Kept out of checkEffectiveSecret: their closures would make every call
// allocate a context, and only a few secrets have groups or a template.
function checkGroupLists(s: EffectiveSecret, groups: GroupMembership, r: Reporter): void {
  for (const mode of ['at_least_one', 'exactly_one'] as const) {
    const list = groups[mode];
    if (!list) continue;
    if (list.value.length === 0) {
      r.error('group-list-empty', `${prefix(s)}\`${mode}\` must name at least one group`, list.at, 'value');
      continue;
    }
    const seen = new Set<string>();
    list.value.forEach((g, i) => {
      const sub = list.value.length > 1 || Array.isArray(list.value) ? [i] : [];
      if (g.trim() === '') {
        r.error('group-name-blank', `${prefix(s)}\`${mode}\` group name cannot be empty or whitespace`, list.at, 'value', { sub: elementPath(list.at, sub) });
      } else if (seen.has(g)) {
        r.error('group-name-duplicate', `${prefix(s)}\`${mode}\` contains duplicate group name '${g}'`, list.at, 'value', { sub: elementPath(list.at, sub) });
      }
      seen.add(g);
    });
  }
}

function checkComposedConflicts(s: EffectiveSecret, r: Reporter): void {
  const f = s.fields;
  const conflicts: Array<{ field: string; at: Origin }> = [];
  const check = (field: SecretField, active: boolean) => {
    const v = f[field];
    if (active && v) conflicts.push({ field, at: v.at });
  };
  check('default', true);
  check('providers', true);
  check('ref', true);
  check('refs', true);
  check('encoding', true);
  check('extract', true);
  check('type', true);
  check('generate', generationEnabled(s));
  check('prompt', f.prompt?.value === true);
  const first = conflicts.find((c) => s.own && c.at.path.slice(0, -1).join() === s.own.at.path.join()) ?? conflicts[0];
  if (first) {
    r.error(
      'composed-conflict',
      `${prefix(s)}\`composed\` secrets cannot also set \`default\`, \`providers\`, \`ref\`, \`refs\`, \`encoding\`, \`extract\`, \`type\`, enabled \`generate\`, or \`prompt = true\``,
      first.at,
      'key',
      { data: { name: s.name, field: first.field } },
    );
  }
}

function elementPath(at: Origin, sub: number[]): number[] {
  // A single group name written as a bare string has no element to point at.
  return at.path.length ? sub : [];
}

export function jsonPointerError(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  if (!pointer.startsWith('/')) return '`extract.pointer` must be empty or start with `/` (RFC 6901)';
  return tildeError(pointer);
}

function tildeError(pointer: string): string | undefined {
  const bytes = Buffer.from(pointer, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x7e && bytes[i + 1] !== 0x30 && bytes[i + 1] !== 0x31) {
      return `\`extract.pointer\` has an invalid \`~\` escape at byte ${i}; use \`~0\` for \`~\` or \`~1\` for \`/\``;
    }
  }
  return undefined;
}

export function iniPointerError(pointer: string): string | undefined {
  const segments = pointer.split('/');
  const ok = pointer.startsWith('/') && (segments.length === 2 || segments.length === 3) && segments.slice(1).every((s) => s !== '');
  if (!ok) return '`extract.pointer` for INI must be `/key` for an unsectioned key or `/section/key` for a named section';
  return tildeError(pointer);
}
