// A path into a TOML document: table keys and array indexes, as written.
export type PathSegment = string | number;
export type TomlPath = readonly PathSegment[];

/** A stable map key for a path (numbers and strings cannot collide in practice: a TOML node is either a table or an array). */
export function pathKey(path: TomlPath): string {
  return path.join('\u0001');
}

/** Dotted display form, quoting segments that are not bare keys. */
export function formatPath(path: TomlPath): string {
  return path
    .map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s)))
    .join('.')
    .replace(/\.\[/g, '[');
}
