// Whether a path lies in one of the workspace folders: the line between what
// an untrusted clone may make the server read and what it may not.
import { relative, isAbsolute, resolve } from 'node:path';

export function insideAny(path: string, folders: readonly string[]): boolean {
  const target = resolve(path);
  return folders.some((folder) => {
    const rel = relative(resolve(folder), target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}
