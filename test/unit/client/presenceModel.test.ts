// The presence tree's data: statuses from SecretSpec's report, unresolved
// rows, ordering, the active profile and the welcome-view states.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckResult, OutlineResult, ReportSecret } from '../../../protocol/src';
import {
  adviceFor, buildProfiles, existingValue, healthOf, healthText, isComposed, onlyProblems, profileDescription, profileSummary, secretStatus, statusLabel, viewState, shortProvider,
} from '../../../client/src/views/presenceModel';

const s = (name: string, over: Partial<ReportSecret> = {}): ReportSecret => ({
  name, status: 'resolved', required: true, default_applied: false, generated: false, as_path: false, ...over,
});

const RESULT: CheckResult = {
  results: [
    {
      profile: 'default',
      report: {
        schema_version: 1, provider: 'dotenv:.env', profile: 'default',
        secrets: [
          s('DB', { source_provider: 'dotenv:.env' }),
          s('API', { status: 'missing_required' }),
          s('SENTRY', { status: 'missing_optional', required: false }),
          s('LOG', { default_applied: true, required: false }),
          s('SESSION', { generated: true, required: false }),
          s('DSN'),
        ],
      },
      unresolved: [{ name: 'TOKEN', provider: 'vault://x', kind: 'plugin_not_installed', message: 'no secretspec-provider-vault on PATH' }],
    },
    { profile: 'production', report: { schema_version: 1, provider: 'keyring://', profile: 'production', secrets: [s('DB', { status: 'missing_required' })] }, unresolved: [] },
  ],
};

test('each report entry maps to one of the seven statuses', () => {
  assert.equal(secretStatus(s('a', { source_provider: 'x' })), 'resolved');
  assert.equal(secretStatus(s('a', { status: 'missing_required' })), 'missing_required');
  assert.equal(secretStatus(s('a', { status: 'missing_optional', required: false })), 'missing_optional');
  assert.equal(secretStatus(s('a', { default_applied: true })), 'default_applied');
  assert.equal(secretStatus(s('a', { generated: true })), 'will_generate');
  assert.equal(secretStatus(s('a')), 'composed', 'resolved without provider, default or generation');
});

test('profiles keep the server order, mark the active one and count problems', () => {
  const rows = buildProfiles(RESULT, 'production');
  assert.deepEqual(rows.map((r) => [r.profile, r.active, r.missingRequired, r.unresolved]), [
    ['default', false, 1, 1],
    ['production', true, 1, 0],
  ]);
  const def = rows[0]!;
  assert.deepEqual(def.secrets.map((x) => [x.name, x.status]), [
    ['API', 'missing_required'], ['DB', 'resolved'], ['DSN', 'composed'], ['LOG', 'default_applied'],
    ['SENTRY', 'missing_optional'], ['SESSION', 'will_generate'], ['TOKEN', 'unresolved'],
  ]);
  assert.equal(def.secrets.find((x) => x.name === 'DB')!.provider, 'dotenv:.env');
  assert.deepEqual(def.secrets.find((x) => x.name === 'TOKEN')!.problem, { kind: 'plugin_not_installed', message: 'no secretspec-provider-vault on PATH' });
});

test('an unknown active profile falls back to the first one', () => {
  assert.deepEqual(buildProfiles(RESULT, 'staging').map((r) => r.active), [true, false]);
});

test('only problems keeps missing required and unresolved rows', () => {
  assert.deepEqual(onlyProblems(buildProfiles(RESULT, 'default')[0]!.secrets).map((r) => r.name), ['API', 'TOKEN']);
});

test('profile description says active, missing and unknown counts', () => {
  const [def, prod] = buildProfiles(RESULT, 'default');
  assert.equal(profileDescription(def!), 'active · 1 missing · 1 unknown');
  assert.equal(profileDescription(prod!), '1 missing');
  assert.equal(profileDescription({ ...prod!, missingRequired: 0 }), 'all required present');
});

test('a profile with unknown secrets never reads as all present (row, picker, status bar)', () => {
  const unknownOnly = { ...buildProfiles(RESULT, 'default')[0]!, missingRequired: 0, unresolved: 2 };
  assert.equal(profileDescription(unknownOnly), 'active · 2 unknown');
  assert.doesNotMatch(profileDescription(unknownOnly), /present/);
  assert.equal(healthText(healthOf(unknownOnly)), '2 secrets could not be checked');
  assert.equal(healthText({ missing: 1, unknown: 1 }), '1 required secret missing, 1 secret could not be checked');
  assert.equal(healthText({ missing: 0, unknown: 0 }), 'all required secrets present');
  const bar = profileSummary('production', { missing: 0, unknown: 3 }, { untrusted: false, stale: false });
  assert.deepEqual(bar, { text: '$(key) production $(question) 3', detail: '3 secrets could not be checked', warning: true });
  assert.deepEqual(profileSummary('default', { missing: 0, unknown: 0 }, { untrusted: false, stale: false }), { text: '$(key) default', detail: 'all required secrets present', warning: false });
  assert.equal(profileSummary('default', { missing: 2, unknown: 0 }, { untrusted: false, stale: false }).text, '$(key) default $(warning) 2');
  assert.equal(profileSummary('default', undefined, { untrusted: true, stale: false }).detail, 'presence is not checked in Restricted Mode');
});

test('stale statuses say so in the profile row and the status bar', () => {
  const [def] = buildProfiles(RESULT, 'default');
  assert.equal(profileDescription(def!, true), 'stale · active · 1 missing · 1 unknown');
  const bar = profileSummary('default', { missing: 0, unknown: 0 }, { untrusted: false, stale: true });
  assert.equal(bar.text, '$(key) default $(history)');
  assert.match(bar.detail, /at the last check; the latest check failed/);
  assert.equal(bar.warning, true, 'stale is not a clean bill of health');
});

test('existing value: present with its provider, unknown with its reason, else none (Set asks before replacing)', () => {
  assert.deepEqual(existingValue(RESULT, 'default', 'DB'), { state: 'present', provider: 'dotenv:.env' });
  assert.deepEqual(existingValue(RESULT, 'default', 'TOKEN'), { state: 'unknown', problem: 'no secretspec-provider-vault on PATH' });
  for (const name of ['API', 'SENTRY', 'LOG', 'SESSION', 'DSN', 'NOPE']) assert.equal(existingValue(RESULT, 'default', name), undefined, name);
  assert.equal(existingValue(RESULT, 'production', 'DB'), undefined, 'per profile');
  assert.equal(existingValue(undefined, 'default', 'DB'), undefined, 'nothing known yet');
});

test('view state: untrusted and no-provider only when nothing was determined', () => {
  const only = (kind: 'untrusted_workspace' | 'no_provider_configured'): CheckResult => ({
    results: [{ profile: 'default', report: { schema_version: 1, provider: '', profile: 'default', secrets: [s('LOG', { default_applied: true })] }, unresolved: [{ name: 'A', provider: '', kind, message: 'm' }] }],
  });
  assert.equal(viewState([only('untrusted_workspace')]), 'untrusted');
  assert.equal(viewState([only('no_provider_configured')]), 'no_provider');
  assert.equal(viewState([RESULT]), undefined);
  assert.equal(viewState([]), undefined);
});

test('every unresolved kind gets advice', () => {
  assert.match(adviceFor('plugin_not_installed'), /secretspec\.plugins/);
  assert.match(adviceFor('internal'), /Show Output/);
});

test('a dotenv file beside the manifest is shown by its relative path; anything else as reported', () => {
  assert.equal(shortProvider('dotenv:/work/app/.env', '/work/app'), 'dotenv:.env');
  assert.equal(shortProvider('dotenv:/work/app/config/.env.local', '/work/app/'), 'dotenv:config/.env.local');
  assert.equal(shortProvider('dotenv:/etc/app/.env', '/work/app'), 'dotenv:/etc/app/.env');
  assert.equal(shortProvider('dotenv:/work/application/.env', '/work/app'), 'dotenv:/work/application/.env');
  assert.equal(shortProvider('keyring', '/work/app'), 'keyring');
});

test('a composition SecretSpec reports missing reads as composed, names the missing input, and is not settable (issue 16 #3)', () => {
  const secret = (name: string, inputs?: string[]) => ({
    name, providers: [], route: inputs ? [] : ['vault'], composed: inputs !== undefined, required: true,
    declaration: { uri: 'file:///m/secretspec.toml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    ...(inputs ? { inputs } : {}),
  });
  const outline: OutlineResult = {
    project: 'shop',
    profiles: [{ name: 'production', inherits: true, secrets: [secret('DB'), secret('LOG'), secret('DSN', ['DB', 'LOG'])] }],
  };
  const result: CheckResult = {
    results: [{
      profile: 'production',
      report: { schema_version: 1, provider: 'keyring://', profile: 'production', secrets: [s('DB', { status: 'missing_required' }), s('DSN', { status: 'missing_required' }), s('LOG', { default_applied: true })] },
      unresolved: [],
    }],
  };
  const [prod] = buildProfiles(result, 'production', outline);
  const dsn = prod!.secrets.find((r) => r.name === 'DSN')!;
  assert.equal(dsn.status, 'composed_missing');
  assert.deepEqual(dsn.missingInputs, ['DB']);
  assert.equal(statusLabel(dsn), 'composed, missing DB');
  assert.ok(isComposed(dsn.status), 'no Set or Delete for a composition');
  assert.equal(prod!.missingRequired, 2, 'SecretSpec check fails on both');
  assert.equal(buildProfiles(result, 'production')[0]!.secrets.find((r) => r.name === 'DSN')!.status, 'missing_required', 'without an outline, the report as it is');
});
