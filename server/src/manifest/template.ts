// `composed` templates (manifest-rules §7.1): `$$` is a literal `$`,
// `${NAME}` a reference whose name must match [A-Z][A-Z0-9_]*.

export interface TemplateRef {
  name: string;
  /** Offsets of `${NAME}` in the decoded template. */
  start: number;
  end: number;
}

export type TemplateParse =
  | { ok: true; refs: TemplateRef[] }
  | { ok: false; message: string; start: number; end: number; refs: TemplateRef[] };

const NAME = /^[A-Z][A-Z0-9_]*$/;

export function parseTemplate(t: string): TemplateParse {
  const refs: TemplateRef[] = [];
  let i = 0;
  while (i < t.length) {
    if (t[i] !== '$') {
      i++;
      continue;
    }
    if (t[i + 1] === '$') {
      i += 2;
      continue;
    }
    if (t[i + 1] !== '{') {
      i++;
      continue;
    }
    const start = i;
    let j = i + 2;
    while (j < t.length && t[j] !== '}') {
      if (t[j] === '{') {
        return {
          ok: false,
          message: 'nested `{` in a composed reference; references use `${UPPERCASE_NAME}`',
          start,
          end: j + 1,
          refs,
        };
      }
      j++;
    }
    if (j >= t.length) {
      return { ok: false, message: 'unclosed `${` in composed template; references use `${UPPERCASE_NAME}`', start, end: t.length, refs };
    }
    const name = t.slice(i + 2, j);
    if (!NAME.test(name)) {
      return {
        ok: false,
        message: `invalid composed reference \`\${${name}}\`; names must match \`[A-Z][A-Z0-9_]*\``,
        start,
        end: j + 1,
        refs,
      };
    }
    refs.push({ name, start, end: j + 1 });
    i = j + 1;
  }
  if (!refs.length) return { ok: false, message: 'a composed template must reference at least one declared secret', start: 0, end: t.length, refs };
  return { ok: true, refs };
}
