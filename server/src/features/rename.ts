// Rename a secret (every profile's declaration, scope entries, `${NAME}`
// references) or a provider alias (its key, every use, `refs` keys), in the
// document and in the parents it extends. `x-*` tables are never edited:
// they belong to plugins.
import { ResponseError, ErrorCodes, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { SourceMap } from '../manifest/locate';
import { isValidSecretName } from '../rules/secrets';
import { SECRET_KINDS } from './occurrences';
import { sameNameAt, sameNameInFamily, type ManifestFile } from './navigation';

const COMPOSED_NAME = /^[A-Z][A-Z0-9_]*$/;
const ALIAS_NAME = /^[A-Za-z0-9_-]+$/;

export function prepareRename(map: SourceMap, offset: number): { range: Range; placeholder: string } | null {
  const found = sameNameAt(map, offset);
  if (!found) return null;
  const s = found.target.span;
  return { range: { start: map.positionAt(s.start), end: map.positionAt(s.end) }, placeholder: found.target.name };
}

export function rename(root: ManifestFile, parents: readonly ManifestFile[], offset: number, newName: string): WorkspaceEdit | null {
  const found = sameNameInFamily(root, parents, offset);
  if (!found) return null;
  const all = found.files.flatMap((f) => f.all);
  const secret = SECRET_KINDS.has(found.target.kind);
  if (secret) {
    if (!isValidSecretName(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid secret name (letters, digits and underscores, not starting with a digit)`);
    if (all.some((o) => o.kind === 'composed-ref') && !COMPOSED_NAME.test(newName)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' cannot be used in a composed template: names there must match [A-Z][A-Z0-9_]*`);
    }
  } else if (!ALIAS_NAME.test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid alias name (letters, digits, '_' and '-')`);
  }
  const kinds = secret ? ['secret-decl'] : ['alias-decl'];
  if ([root, ...parents].some((f) => declares(f.map, newName, kinds))) throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is already declared`);
  const changes: Record<string, TextEdit[]> = {};
  for (const { file, all: occurrences } of found.files) {
    changes[file.uri] = occurrences.map((o) => ({ range: { start: file.map.positionAt(o.span.start), end: file.map.positionAt(o.span.end) }, newText: newName }));
  }
  return { changes };
}

function declares(map: SourceMap, name: string, kinds: string[]): boolean {
  return map.all().some((n) => {
    const [root, a, b] = n.path;
    if (kinds.includes('secret-decl')) return root === 'profiles' && n.path.length === 3 && typeof a === 'string' && b === name;
    return root === 'providers' && n.path.length === 2 && a === name;
  });
}
