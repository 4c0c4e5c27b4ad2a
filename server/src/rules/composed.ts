// `composed` templates and their graph per effective profile (manifest-rules §7).
import type { EffectiveProfile } from '../manifest/effective';
import type { Sourced } from '../manifest/model';
import { parseTemplate, type TemplateParse, type TemplateRef } from '../manifest/template';
import type { Reporter } from './report';

// An inherited `composed` field is the same object in every profile that
// inherits it: parse it, and sort its references, once rather than per profile.
const parsedTemplates = new WeakMap<Sourced<string>, TemplateParse>();
const sortedDeps = new WeakMap<TemplateRef[], string[]>();

function parsedTemplate(c: Sourced<string>): TemplateParse {
  let result = parsedTemplates.get(c);
  if (!result) parsedTemplates.set(c, (result = parseTemplate(c.value)));
  return result;
}

function depsOf(refs: TemplateRef[]): string[] {
  let deps = sortedDeps.get(refs);
  if (!deps) sortedDeps.set(refs, (deps = [...new Set(refs.map((t) => t.name))].sort()));
  return deps;
}

/** Template syntax errors, reported with the other per-secret checks. */
export function checkTemplates(profile: EffectiveProfile, r: Reporter): Map<string, TemplateRef[]> {
  const parsed = new Map<string, TemplateRef[]>();
  for (const s of profile.secrets.values()) {
    const c = s.fields.composed;
    if (!c) continue;
    const result = parsedTemplate(c);
    if (result.ok) parsed.set(s.name, result.refs);
    else {
      // An empty template has no text to point into: point at its quotes.
      r.error('composed-template', `Profile '${profile.name}': Secret '${s.name}': ${result.message}`, c.at, 'value', {
        ...(result.end > result.start ? { span: { start: result.start, end: result.end } } : {}),
        data: { name: s.name },
      });
    }
  }
  return parsed;
}

/** Unknown references, then cycles over composed → composed edges. */
export function checkComposedGraph(profile: EffectiveProfile, templates: Map<string, TemplateRef[]>, r: Reporter): void {
  const p = profile.name;
  for (const name of [...templates.keys()].sort()) {
    const c = profile.secrets.get(name)!.fields.composed!;
    for (const ref of templates.get(name)!) {
      if (!profile.secrets.has(ref.name)) {
        r.error('composed-unknown-reference', `Profile '${p}': Secret '${name}': composed reference \`\${${ref.name}}\` does not name a declared secret`, c.at, 'value', {
          span: { start: ref.start, end: ref.end },
          data: { name, reference: ref.name, profile: p },
        });
      }
    }
  }
  // Depth-first with an explicit stack: a chain or cycle thousands deep must not overflow the call stack.
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const onPath = new Map<string, number>();
  const reported = new Set<string>();
  for (const start of [...templates.keys()].sort()) {
    if (state.has(start)) continue;
    const frames: Array<{ name: string; deps: string[]; next: number }> = [];
    const enter = (name: string) => {
      state.set(name, 'visiting');
      onPath.set(name, path.length);
      path.push(name);
      const refs = templates.get(name);
      frames.push({ name, deps: refs ? depsOf(refs) : [], next: 0 });
    };
    enter(start);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      if (frame.next === frame.deps.length) {
        frames.pop();
        path.pop();
        onPath.delete(frame.name);
        state.set(frame.name, 'done');
        continue;
      }
      const dep = frame.deps[frame.next++]!;
      if (!templates.has(dep)) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = [...path.slice(onPath.get(dep)), dep];
        const key = [...new Set(cycle)].sort().join();
        if (!reported.has(key)) {
          reported.add(key);
          const from = profile.secrets.get(frame.name)!.fields.composed!;
          const ref = templates.get(frame.name)!.find((t) => t.name === dep)!;
          r.error('composed-cycle', `Profile '${p}': composed secret cycle: ${cycle.join(' -> ')}`, from.at, 'value', {
            span: { start: ref.start, end: ref.end },
            data: { cycle },
          });
        }
      } else if (!state.has(dep)) enter(dep);
    }
  }
}
