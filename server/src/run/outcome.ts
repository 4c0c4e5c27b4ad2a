// From what the stores answered to what a run does (secrets.rs
// `execute_plan` with `Materialize::Run`): the values to inject, or why
// nothing may run, or which secrets only the user's `secretspec` CLI can
// provide (a store no plugin serves, a value to generate and store or to
// prompt for, an `extract` or `encoding` to apply). Presence, defaults,
// compositions and groups are judged by check/report.ts, as the check
// judges them; no value is ever part of a reason. Pure.
import type { EffectiveProfile } from '../manifest/effective';
import { generationEnabled } from '../manifest/effective';
import { buildReport } from '../check/report';
import { parseTemplate } from '../manifest/template';
import { renderTemplate } from './plan';
import type { Resolution } from './resolve';

export interface Reason {
  name: string;
  reason: string;
}

export interface Injection {
  name: string;
  /** The value, or for an `as_path` secret the path of the file holding it. */
  value: string;
}

/** Puts an `as_path` secret's value in a private file and returns its path. */
export type Materialize = (name: string, value: string) => string;

export type Outcome =
  /** `without`: what `allowMissing` let the command start without. */
  | { kind: 'inject'; secrets: Injection[]; without: Reason[] }
  | { kind: 'refuse'; reasons: Reason[] }
  /** Only the user's CLI can serve these; it then runs the whole command. */
  | { kind: 'needs-cli'; reasons: Reason[] };

/** A name outside the scope is not shown to the user either (secrets.rs `diagnostic_secret_name`). */
const HIDDEN = 'a hidden composition input';

/**
 * With `allowMissing`, what would refuse the run is returned as `without`
 * and the command gets the rest. `materialize` is called only once the run is decided, for each `as_path`
 * secret whose value is needed: a composition reads such an input as its
 * path, as SecretSpec's does.
 */
export function decide(profile: EffectiveProfile, visible: readonly string[], resolution: Resolution, materialize: Materialize, allowMissing = false): Outcome {
  const shown = new Set(visible);
  const label = (name: string) => (shown.has(name) ? name : HIDDEN);
  const secrets = [...profile.secrets.values()];

  const cli: Reason[] = [];
  secrets.forEach((s, i) => {
    const p = resolution.presence[i];
    if (resolution.delegated.has(s.name)) cli.push({ name: label(s.name), reason: p?.kind === 'unknown' ? p.message : 'its store is served by the secretspec CLI' });
    else if (p?.kind === 'found' && s.fields.extract !== undefined) cli.push({ name: label(s.name), reason: '`extract` is applied by the secretspec CLI' });
    else if (p?.kind === 'found' && s.fields.encoding !== undefined) cli.push({ name: label(s.name), reason: '`encoding` is decoded by the secretspec CLI' });
    else if (p?.kind === 'missing' && s.fields.prompt?.value === true && shown.has(s.name)) cli.push({ name: s.name, reason: 'missing, and `prompt = true`: the secretspec CLI asks for it' });
    else if (p?.kind === 'missing' && s.fields.prompt?.value !== true && generationEnabled(s) && s.fields.type) cli.push({ name: label(s.name), reason: 'missing, and generated (and stored) by the secretspec CLI' });
  });
  if (cli.length) return { kind: 'needs-cli', reasons: cli };

  const { report, unresolved } = buildReport({ profile, presence: resolution.presence, providerLabel: '', persistsGenerated: () => true });
  // A provider error stops the run whether or not the secret is required, as SecretSpec's does.
  // A composition's own message names its inputs: the inputs are listed on their own, each under its label.
  const refused: Reason[] = unresolved.map((u) => ({
    name: label(u.name),
    reason: profile.secrets.get(u.name)?.fields.composed !== undefined ? 'composed from a secret that could not be read' : `${u.kind}: ${u.message}`,
  }));
  for (const s of report.secrets) {
    if (s.status === 'missing_required' && shown.has(s.name)) refused.push({ name: s.name, reason: 'is required but not set' });
  }
  for (const v of report.constraint_violations ?? []) {
    const names = v.secrets.filter((n) => shown.has(n));
    refused.push({ name: names.join(', '), reason: v.kind === 'at_least_one' ? `group '${v.group}' needs at least one of them set` : `group '${v.group}' needs exactly one of them set (${v.present.length} are)` });
  }
  if (refused.length && !allowMissing) return { kind: 'refuse', reasons: refused };

  const resolved = new Set(report.secrets.filter((s) => s.status === 'resolved').map((s) => s.name));
  // Walked with a stack, not recursion: a composition may build on a chain of thousands.
  const values = new Map<string, string | undefined>();
  const valueOf = (root: string): string | undefined => {
    const stack = [root];
    const expanding = new Set<string>();
    while (stack.length) {
      const name = stack[stack.length - 1]!;
      if (values.has(name)) {
        stack.pop();
        continue;
      }
      const s = profile.secrets.get(name);
      let value = s && resolved.has(name) ? resolution.values.get(name) : undefined;
      if (s && resolved.has(name) && value === undefined && s.fields.composed !== undefined) {
        if (!expanding.has(name)) {
          expanding.add(name);
          stack.push(...parseTemplate(s.fields.composed.value).refs.map((r) => r.name).filter((n) => !values.has(n) && !expanding.has(n)));
          continue;
        }
        value = renderTemplate(s.fields.composed.value, (dep) => values.get(dep));
      }
      stack.pop();
      expanding.delete(name);
      if (s && resolved.has(name)) value ??= s.fields.default?.value;
      if (value !== undefined && s?.fields.as_path?.value === true) value = materialize(name, value);
      values.set(name, value);
    }
    return values.get(root);
  };
  const injected: Injection[] = [];
  for (const name of visible) {
    const value = valueOf(name);
    if (value !== undefined) injected.push({ name, value });
  }
  return { kind: 'inject', secrets: injected, without: refused };
}
