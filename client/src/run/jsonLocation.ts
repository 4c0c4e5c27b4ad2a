// Where a cursor is in a JSON-with-comments document (launch.json), for
// completion: the path of keys and array indexes down to it, and whether it
// stands where a property name goes. A tolerant scan, since the document is
// being typed: unclosed containers and strings are what it usually sees.
// Pure: unit-tested on plain strings.

export interface JsonLocation {
  /** Keys and indexes from the root to the container the cursor is in, then the property it is the value of, if any. */
  path: Array<string | number>;
  /** The cursor is where a property name is (or would be) written. */
  atKey: boolean;
  /** The cursor is inside a string literal (name or value). */
  inString: boolean;
}

type Frame = { kind: 'object'; key: string | undefined; afterColon: boolean } | { kind: 'array'; index: number };

export function jsonLocation(text: string, offset: number): JsonLocation {
  const stack: Frame[] = [];
  const path: Array<string | number> = [];
  let i = 0;
  const end = Math.min(offset, text.length);
  while (i < end) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      if (nl === -1 || nl >= end) return location(stack, path, false);
      i = nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1 || close + 2 > end) return location(stack, path, false);
      i = close + 2;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else value += text[j];
        j++;
      }
      if (j >= end) return location(stack, path, true);
      if (top?.kind === 'object' && !top.afterColon) top.key = value;
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      if (top) path.push(top.kind === 'object' ? (top.key ?? '') : top.index);
      stack.push(c === '{' ? { kind: 'object', key: undefined, afterColon: false } : { kind: 'array', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
      if (stack.length > 0) path.pop();
    } else if (c === ',' && top) {
      if (top.kind === 'object') {
        top.key = undefined;
        top.afterColon = false;
      } else top.index++;
    } else if (c === ':' && top?.kind === 'object') top.afterColon = true;
    i++;
  }
  return location(stack, path, false);
}

function location(stack: Frame[], path: Array<string | number>, inString: boolean): JsonLocation {
  const top = stack[stack.length - 1];
  if (!top) return { path: [], atKey: false, inString };
  if (top.kind === 'array') return { path: [...path, top.index], atKey: false, inString };
  if (!top.afterColon) return { path, atKey: true, inString };
  return { path: [...path, top.key ?? ''], atKey: false, inString };
}
