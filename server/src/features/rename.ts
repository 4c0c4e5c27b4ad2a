// Rename a secret (every profile's declaration, scope entries, `${NAME}`
// references) or a provider alias (its key, every use, `refs` keys). `x-*`
// tables are never edited: they belong to plugins.
import { ResponseError, ErrorCodes, type Range, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { SourceMap } from '../manifest/locate';
import { isValidSecretName } from '../rules/secrets';
import { SECRET_KINDS } from './occurrences';
import { sameNameAt } from './navigation';

const COMPOSED_NAME = /^[A-Z][A-Z0-9_]*$/;
const ALIAS_NAME = /^[A-Za-z0-9_-]+$/;

export function prepareRename(map: SourceMap, offset: number): { range: Range; placeholder: string } | null {
  const found = sameNameAt(map, offset);
  if (!found) return null;
  const s = found.target.span;
  return { range: { start: map.positionAt(s.start), end: map.positionAt(s.end) }, placeholder: found.target.name };
}

export function rename(map: SourceMap, uri: string, offset: number, newName: string): WorkspaceEdit | null {
  const found = sameNameAt(map, offset);
  if (!found) return null;
  const secret = SECRET_KINDS.has(found.target.kind);
  if (secret) {
    if (!isValidSecretName(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid secret name (letters, digits and underscores, not starting with a digit)`);
    if (found.all.some((o) => o.kind === 'composed-ref') && !COMPOSED_NAME.test(newName)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' cannot be used in a composed template: names there must match [A-Z][A-Z0-9_]*`);
    }
  } else if (!ALIAS_NAME.test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid alias name (letters, digits, '_' and '-')`);
  }
  const kinds = secret ? ['secret-decl'] : ['alias-decl'];
  const clash = sameNameAtName(map, newName, kinds);
  if (clash) throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is already declared`);
  const edits = found.all.map((o) => ({ range: { start: map.positionAt(o.span.start), end: map.positionAt(o.span.end) }, newText: newName }));
  return { changes: { [uri]: edits } };
}

function sameNameAtName(map: SourceMap, name: string, kinds: string[]): boolean {
  return map.all().some((n) => {
    const [root, a, b] = n.path;
    if (kinds.includes('secret-decl')) return root === 'profiles' && n.path.length === 3 && typeof a === 'string' && b === name;
    return root === 'providers' && n.path.length === 2 && a === name;
  });
}
