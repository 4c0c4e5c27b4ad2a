// Every validation rule over a loaded manifest, in SecretSpec's order, all
// problems at once. Pure: the caller supplies what needs the outside world.
import type { Validate, Validation } from '../manifest/analysis';
import { effectiveProfiles } from '../manifest/effective';
import type { LoadResult } from '../manifest/load';
import { checkComposedGraph, checkTemplates } from './composed';
import { checkExtensionTables } from './extensions';
import { checkGroups } from './groups';
import { checkHints } from './hints';
import type { Problem } from '../manifest/problem';
import { checkProviders, type ProviderEnvironment } from './providers';
import { checkRefCoordinates } from './refCoordinates';
import { Reporter } from './report';
import { checkScopes } from './scopes';
import { formatVersion, NEWEST_KNOWN, newerAccepts, supports, type EngineVersion } from '../engine/version';
import type { MergedManifest } from '../manifest/model';
import { checkProfileSecrets } from './secrets';

export interface RuleEnvironment extends ProviderEnvironment {
  /** The SecretSpec release to check against; absent: the newest this server knows. */
  engine?: EngineVersion;
}

/** The rules for one environment, as the analysis pipeline takes them. */
export function rulesFor(env: RuleEnvironment): Validate {
  return (load) => validate(load, env);
}

export function validate(load: LoadResult, env: RuleEnvironment): Validation {
  const r = new Reporter();
  const engine = env.engine ?? NEWEST_KNOWN;
  const readsDefaults = supports(engine, 'projectDefaults');
  r.problems.push(...(readsDefaults ? load.problems : load.problems.filter((p) => p.at.path[0] !== 'defaults')));
  if (!load.merged || !load.rootDoc) return { problems: r.problems };
  const merged: MergedManifest = readsDefaults || !load.merged.defaults ? load.merged : { ...load.merged, defaults: undefined };
  if (!readsDefaults && load.rootDoc.hasDefaultsTable) {
    r.info('ignored-table', `SecretSpec ${formatVersion(engine)} ignores the top-level \`defaults\`${newerAccepts(engine, 'projectDefaults')}`, { file: null, path: ['defaults'] }, 'key', {
      data: { key: 'defaults' },
    });
  }

  const name = merged.project.name;
  if (name && name.value === '') r.error('empty-project-name', 'Project name cannot be empty', name.at, 'value');
  if (load.rootDoc.hasProfiles && merged.profiles.size === 0 && !load.rootDoc.hasUnreadableProfile) {
    r.error('no-profiles', 'At least one profile must be defined', { file: null, path: ['profiles'] }, 'key');
  }

  const projectDefaults = merged.defaults?.providers;
  if (projectDefaults) {
    const blank = projectDefaults.value.findIndex((p) => p.trim() === '');
    if (projectDefaults.value.length === 0) {
      r.error('project-defaults-empty', 'project defaults must name at least one provider', projectDefaults.at, 'value');
    } else if (blank >= 0) {
      r.error('project-defaults-blank', 'project default providers cannot be empty or whitespace', projectDefaults.at, 'value', { sub: [blank] });
    }
  }

  const profiles = effectiveProfiles(merged);
  const order = [...profiles.keys()].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const p of order) {
    const profile = profiles.get(p)!;
    checkProfileSecrets(merged, profile, engine, r);
    const templates = checkTemplates(profile, r);
    checkGroups(profile, r);
    checkComposedGraph(profile, templates, r);
  }
  checkScopes(merged, profiles, r);
  checkProviders(merged, env, r);
  checkRefCoordinates(merged, profiles, r);
  checkExtensionTables(load.rootDoc, merged, profiles, r);
  checkHints(profiles, r);
  return { problems: dedupe(r.problems), profiles };
}

/** An inherited declaration fails the same way in every profile; say it once. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const message = p.message.replace(/^Profile '[^']*': /, '');
    const key = `${p.code}\u0000${p.at.file ?? ''}\u0000${p.at.path.join('\u0001')}\u0000${p.at.part}\u0000${p.at.span?.start ?? ''}\u0000${message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
