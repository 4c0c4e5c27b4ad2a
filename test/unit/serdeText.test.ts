// How SecretSpec 0.21.1 writes a value inside its shape errors: strings as
// Rust's `Debug` quotes them, datetimes as toml_datetime's `Display` writes
// them. Every expected text here is what the real CLI printed for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rustDebugString, tomlDatetimeText } from '../../server/src/manifest/read';

test('strings are quoted as Rust Debug quotes them', () => {
  const cases: Array<[string, string]> = [
    ['A', '"A"'],
    ['', '""'],
    ['\u001bA', '"\\u{1b}A"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["it's", `"it's"`],
    ['\t\r\n\0', '"\\t\\r\\n\\0"'],
    // Grapheme extenders and unprintable characters (Cc, Cf, Co, Cn, Zl, Zp, Zs but the space) by code point.
    ['é\u0301\u200b\u00a0 x', '"é\\u{301}\\u{200b}\\u{a0} x"'],
    ['\u007f\u0085\u00ad\u2028\ue000\u0378\u3000\u200d\ufeff', '"\\u{7f}\\u{85}\\u{ad}\\u{2028}\\u{e000}\\u{378}\\u{3000}\\u{200d}\\u{feff}"'],
    ['😀', '"😀"'],
  ];
  for (const [value, quoted] of cases) assert.equal(rustDebugString(value), quoted, JSON.stringify(value));
});

test('datetimes are written as toml_datetime writes them', () => {
  const cases: Array<[string, string]> = [
    ['1979-05-27T07:32:00Z', '1979-05-27T07:32:00Z'],
    ['1979-05-27T07:32:00z', '1979-05-27T07:32:00Z'],
    ['1979-05-27 00:32:00.999999999999-00:00', '1979-05-27T00:32:00.999999999+00:00'],
    ['1979-05-27t00:32:00.5+07:30', '1979-05-27T00:32:00.5+07:30'],
    ['1979-05-27', '1979-05-27'],
    ['1979-05-27T07:32', '1979-05-27T07:32'],
    ['07:32', '07:32'],
    ['07:32:01.120', '07:32:01.12'],
  ];
  for (const [source, text] of cases) assert.equal(tomlDatetimeText(source), text, source);
});
