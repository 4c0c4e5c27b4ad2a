// The source map's ranges against an oracle that shares none of its code:
// smol-toml itself. For every manifest that parses (the corpus, the rule
// cases, generated manifests), every key the parser returns must be located,
// every located key token must spell its own path segment, and every located
// value, parsed again on its own, must be the value the whole document gave
// at that path. A scanner that drifts by one character, loses a key or
// mixes up two nodes fails here.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import { SourceMap } from '../../server/src/manifest/locate';
import { formatPath, type PathSegment } from '../../server/src/manifest/path';
import { CASES } from '../server/manifestRules.cases';
import { AUDIT_CASES, HEADER } from '../server/rulesAudit.cases';
import { generateManifests, retypedManifests } from '../support/manifestGen';

function manifests(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const dir = join(__dirname, '..', '..', '..', 'shared', 'corpus');
  if (existsSync(dir)) for (const f of readdirSync(dir)) out.push({ name: f, text: readFileSync(join(dir, f), 'utf8') });
  for (const c of CASES) for (const [f, text] of Object.entries(c.files)) out.push({ name: `${c.id}/${f}`, text });
  for (const c of AUDIT_CASES) {
    if (c.body !== undefined) out.push({ name: c.id, text: HEADER + c.body });
    for (const [f, text] of Object.entries(c.files ?? {})) out.push({ name: `${c.id}/${f}`, text });
  }
  for (const c of [...generateManifests(11, 300), ...retypedManifests()]) for (const [f, text] of Object.entries(c.files)) out.push({ name: `${c.id}/${f}`, text });
  return out;
}

function at(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const s of path) v = (v as Record<string | number, unknown> | undefined)?.[s];
  return v;
}

/** Every path to a value in a parsed document (tables and arrays included). */
function* paths(value: unknown, prefix: PathSegment[] = []): Generator<PathSegment[]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield [...prefix, i];
      yield* paths(value[i], [...prefix, i]);
    }
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      yield [...prefix, k];
      yield* paths(v, [...prefix, k]);
    }
  }
}

test('located keys and values agree with smol-toml on every manifest that parses', () => {
  let checked = 0;
  for (const { name, text } of manifests()) {
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue;
    }
    const map = new SourceMap(text);
    for (const path of paths(doc)) {
      const node = map.get(path);
      assert.ok(node, `${name}: ${formatPath(path)} is not located`);
      const last = path[path.length - 1]!;
      if (typeof last === 'string' && node.key) {
        const token = text.slice(node.key.start, node.key.end);
        const spelled = /^[A-Za-z0-9_-]+$/.test(token) ? token : (parse(`k = ${token}`) as { k: string }).k;
        assert.equal(spelled, last, `${name}: key of ${formatPath(path)} is ${JSON.stringify(token)}`);
      }
      if (node.value && (node.kind === 'scalar' || node.kind === 'inline-table' || (node.kind === 'array' && !node.header))) {
        const written = text.slice(node.value.start, node.value.end);
        const alone = (parse(`v = ${written}`) as { v: unknown }).v;
        assert.deepEqual(alone, at(doc, path), `${name}: value of ${formatPath(path)} is ${JSON.stringify(written)}`);
      }
      if (node.header) assert.match(text.slice(node.header.start, node.header.end), /^\[[^]*\]$/, `${name}: header of ${formatPath(path)}`);
      checked++;
    }
  }
  assert.ok(checked > 10_000, `only ${checked} paths checked`);
});

test('the oracle can fail: a range one character off is caught', () => {
  const text = '[profiles.default]\nA = { description = "a" }\n';
  const node = new SourceMap(text).get(['profiles', 'default', 'A', 'description'])!;
  const shifted = text.slice(node.value!.start + 1, node.value!.end + 1);
  assert.throws(() => assert.deepEqual((parse(`v = ${shifted}`) as { v: unknown }).v, 'a'));
});

test('children are the nodes written directly under a path, in the order first written', () => {
  const text = '[profiles.default]\nB = { description = "b" }\nA.description = "a"\n[profiles.dev]\nC = { description = "c" }\n[profiles.default.D]\ndescription = "d"\n';
  const map = new SourceMap(text);
  assert.deepEqual(map.children(['profiles']).map((n) => n.path), [['profiles', 'default'], ['profiles', 'dev']]);
  assert.deepEqual(map.children(['profiles', 'default']).map((n) => n.path[2]), ['B', 'A', 'D']);
  assert.deepEqual(map.children(['profiles', 'default', 'A']).map((n) => n.path[3]), ['description']);
  assert.deepEqual(map.children(['nope']), []);
  assert.deepEqual(map.children([]).map((n) => n.path), [['profiles']]);
});

/** Every text above, cut short and with a few characters dropped at several places: half-typed documents. */
function mutated(texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    for (const k of [3, 7, 11]) {
      const at = Math.floor((t.length * k) / 13);
      out.push(t.slice(0, at), t.slice(0, at) + t.slice(at + 5));
    }
  }
  return out;
}

test('a node located lazily (headers, then only the key/values a path can be in) is the node the whole scan records', () => {
  const texts = manifests().map((m) => m.text);
  let compared = 0;
  for (const text of [...texts, ...mutated(texts)]) {
    const whole = new SourceMap(text);
    const nodes = whole.all();
    const lazy = new SourceMap(text);
    // Asked last to first, so no path is helped by the regions an earlier one read.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const path = nodes[i]!.path;
      assert.deepEqual(lazy.get(path), whole.get(path), `${formatPath(path)} in ${JSON.stringify(text.slice(0, 120))}`);
      assert.deepEqual(lazy.stringLayout(path), whole.stringLayout(path));
      assert.equal(lazy.get([...path, 'absent']), undefined);
      compared++;
    }
  }
  assert.ok(compared > 50_000, `only ${compared} nodes compared`);
});

test('a path asked before the whole map exists is answered from its own region\'s key/values only', () => {
  let text = '[project]\nname = "p"\n[profiles.default]\n';
  for (let i = 0; i < 2000; i++) text += `S${i} = { description = "s" }\n`;
  text += '[profiles.dev]\nA = { description = "a" }\n';
  const map = new SourceMap(text);
  let scanned = 0;
  const original = String.prototype.slice;
  // Every key name the scanner keeps is a slice of the text: counted while one path is asked.
  String.prototype.slice = function (this: string, ...args: [number?, number?]) {
    if (String(this) === text) scanned++;
    return original.apply(this, args);
  };
  try {
    assert.equal(map.get(['profiles', 'dev', 'A', 'description'])?.kind, 'scalar');
  } finally {
    String.prototype.slice = original;
  }
  // The header pass names each statement's first key (2,000 here); a whole scan names every key (4,000).
  assert.ok(scanned < 2100, `${scanned} key names read for one path`);
});
