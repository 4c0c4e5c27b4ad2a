import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteDotenvValue, formatDotenvValue, parseDotenv, setDotenvValue } from '../../server/src/plugins/bundled/dotenvFormat';
import { TRICKY_VALUES } from './openSession';

function values(text: string): Record<string, string> {
  const r = parseDotenv(text);
  if (!r.ok) assert.fail(`parse failed at line ${r.line}: ${r.reason}`);
  return Object.fromEntries(r.assignments.map((a) => [a.key, a.value]));
}

function errorLine(text: string): number {
  const r = parseDotenv(text);
  assert.equal(r.ok, false, `expected a parse error for ${JSON.stringify(text)}`);
  return r.ok ? 0 : r.line;
}

test('reads the dotenv-ng dialect SecretSpec 0.21 uses', () => {
  const text = [
    '# comment',
    '',
    'A=plain',
    'B= spaced',
    'C="double # kept"',
    "D='single $A kept'",
    'export E=exported',
    'F=value # trailing comment',
    'G=a#b',
    'H="esc\\nape \\"q\\" \\$A \\\\"',
    'I="real',
    'newline"',
    'J=',
    'K=#only comment',
    'L.M_n=dotted',
    '  N = padded  ',
    'O=two words',
    "P=it's \"quoted\" # in the value: the apostrophe left a quote open",
    'Q=escaped\\ ',
    '1KEY=digits-first',
    'R=\'single \\\' quote\'',
  ].join('\n');
  assert.deepEqual(values(text), {
    A: 'plain',
    B: 'spaced',
    C: 'double # kept',
    D: 'single $A kept',
    E: 'exported',
    F: 'value',
    G: 'a#b',
    H: 'esc\nape "q" $A \\',
    I: 'real\nnewline',
    J: '',
    K: '',
    'L.M_n': 'dotted',
    N: 'padded',
    O: 'two words',
    P: `it's "quoted" # in the value: the apostrophe left a quote open`,
    Q: 'escaped ',
    '1KEY': 'digits-first',
    R: "single ' quote",
  });
});

test('substitutes nothing: $VAR and ${VAR} stay literal, as SecretSpec 0.21 loads the file', () => {
  assert.deepEqual(values('A=one\nB=$A-${A}\nC="x${A}"\nD=$HOME\nE=${unclosed'), { A: 'one', B: '$A-${A}', C: 'x${A}', D: '$HOME', E: '${unclosed' });
});

test('rejects what dotenv-ng rejects, naming only the line', () => {
  assert.equal(errorLine('A=1\nB="never closed\nC=3\n'), 2);
  assert.equal(errorLine('A=1\n\nB="closed" then more'), 3);
  assert.equal(errorLine('NOEQUALS'), 1);
  assert.equal(errorLine('A=1\r\n=no-key'), 2);
  assert.equal(errorLine('A\u0001B=x'), 1);
  assert.equal(errorLine('A="nul \u0000"'), 1);
});

const SAMPLE = ['# header comment', 'FIRST=1', '', '# about SECOND', 'export SECOND="two" # inline note', 'THIRD=3', ''].join('\n');

function setIn(text: string, key: string, value: string): string {
  const r = parseDotenv(text);
  assert.ok(r.ok);
  return setDotenvValue(text, r.assignments, key, value);
}

test('every tricky value round-trips through set and parse', () => {
  for (const value of TRICKY_VALUES) {
    const written = setIn(SAMPLE, 'SECOND', value);
    assert.equal(values(written).SECOND, value, `value ${JSON.stringify(value)} written as ${formatDotenvValue(value)}`);
    const appended = setIn(SAMPLE, 'NEW_KEY', value);
    assert.equal(values(appended).NEW_KEY, value);
    assert.ok(appended.startsWith(SAMPLE), 'appending leaves the existing text alone');
  }
});

test('any string round-trips (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
      // No .env can carry NUL; the provider refuses such a value before writing.
      fc.pre(!value.includes('\0'));
      assert.equal(values(setIn(SAMPLE, 'K', value)).K, value);
      assert.equal(values(setIn(SAMPLE, 'SECOND', value)).SECOND, value);
    }),
    { numRuns: 300 },
  );
});

test('set rewrites one line in place and keeps comments, order, export and inline notes', () => {
  assert.equal(
    setIn(SAMPLE, 'SECOND', 'new value'),
    ['# header comment', 'FIRST=1', '', '# about SECOND', 'export SECOND=new value # inline note', 'THIRD=3', ''].join('\n'),
  );
  assert.equal(setIn('A=1\nB=2\nA=3\n', 'A', 'x'), 'A=x\nB=2\n', 'later duplicates are dropped so the value is unambiguous');
  assert.equal(setIn('A=1', 'B', '2'), 'A=1\nB=2\n', 'a missing final newline is added before appending');
  assert.equal(setIn('A=1\r\nB=2\r\n', 'C', '3'), 'A=1\r\nB=2\r\nC=3\r\n', 'CRLF files stay CRLF');
  assert.equal(setIn('', 'A', 'v'), 'A=v\n');
  assert.equal(setIn('A="multi\nline"\nB=2\n', 'A', 'one'), 'A=one\nB=2\n', 'a multi-line value is replaced whole');
});

test('delete removes every assignment of the key and nothing else', () => {
  const r = parseDotenv(SAMPLE + 'SECOND=again\n');
  assert.ok(r.ok);
  assert.equal(deleteDotenvValue(SAMPLE + 'SECOND=again\n', r.assignments, 'SECOND'), ['# header comment', 'FIRST=1', '', '# about SECOND', 'THIRD=3', ''].join('\n'));
});
