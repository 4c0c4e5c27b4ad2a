import { REF_COORDINATES, type RefCoords } from './model';

/** An alias `ref` template (manifest-rules §5.5): blank coordinates and the single-pass placeholder grammar. */
export function checkRefTemplate(coords: RefCoords): Array<{ coordinate: string; message: string }> {
  const out: Array<{ coordinate: string; message: string }> = [];
  for (const c of REF_COORDINATES) {
    const t = coords[c];
    if (t === undefined) continue;
    if (t.trim() === '') {
      out.push({ coordinate: c, message: `provider ref template coordinate \`${c}\` cannot be empty or whitespace` });
      continue;
    }
    const err = scanTemplate(t);
    if (err) out.push({ coordinate: c, message: `invalid provider ref template coordinate \`${c}\`: ${err}` });
  }
  return out;
}

function scanTemplate(t: string): string | undefined {
  let i = 0;
  while (i < t.length) {
    const ch = t[i]!;
    if (ch === '}') return `template '${t}' contains an unmatched \`}\``;
    if (ch === '{') {
      const close = t.indexOf('}', i + 1);
      const nextOpen = t.indexOf('{', i + 1);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) return `template '${t}' contains an unmatched \`{\``;
      const name = t.slice(i + 1, close);
      if (name !== 'project' && name !== 'profile' && name !== 'key') {
        return `unknown placeholder \`{${name}}\` in template '${t}'; expected {project}, {profile}, or {key}`;
      }
      i = close + 1;
      continue;
    }
    i++;
  }
  return undefined;
}
