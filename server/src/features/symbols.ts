// The outline: project, provider aliases, profiles with their secrets and
// defaults, scopes. Read from the source map, so it works on broken text.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { SourceMap, Span } from '../manifest/locate';
import { pathKey, type TomlPath } from '../manifest/path';
import { redactSpec } from '../providers/uri';
import { keySpans, stringContent } from './occurrences';

function trimEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1]!)) e--;
  return e;
}

/** From the first to the last character written for `path` (all its spellings and children). */
function extent(map: SourceMap, path: TomlPath, keys: Map<string, Span[]>): Span | undefined {
  const prefix = pathKey(path);
  let start = Infinity;
  let end = -Infinity;
  for (const n of map.all()) {
    if (n.path.length < path.length || pathKey(n.path.slice(0, path.length)) !== prefix) continue;
    const s = n.header?.start ?? n.key?.start ?? n.value?.start;
    const e = n.body ? trimEnd(map.text, n.body.end) : (n.value?.end ?? n.key?.end);
    if (s !== undefined) start = Math.min(start, s);
    if (e !== undefined) end = Math.max(end, e);
  }
  for (const s of keys.get(prefix) ?? []) {
    start = Math.min(start, s.start);
    end = Math.max(end, s.end);
  }
  return start === Infinity ? undefined : { start, end: Math.max(start, end) };
}

export function documentSymbols(map: SourceMap): DocumentSymbol[] {
  const keys = keySpans(map);
  const toRange = (s: Span) => ({ start: map.positionAt(s.start), end: map.positionAt(s.end) });
  const symbol = (path: TomlPath, name: string, kind: SymbolKind, children: DocumentSymbol[] = [], detail?: string): DocumentSymbol | undefined => {
    const whole = extent(map, path, keys);
    if (!whole) return undefined;
    const sel = keys.get(pathKey(path))?.[0] ?? whole;
    return { name, kind, range: toRange(whole), selectionRange: toRange(sel), children, ...(detail ? { detail } : {}) };
  };
  const names = (path: TomlPath) => map.children(path).map((c) => c.path[path.length]).filter((s): s is string => typeof s === 'string');
  const out: DocumentSymbol[] = [];
  const value = (path: TomlPath) => {
    const c = stringContent(map, path);
    return c ? map.text.slice(c.start, c.end) : undefined;
  };

  const project = symbol(['project'], 'project', SymbolKind.Namespace, [], value(['project', 'name']));
  if (project) out.push(project);

  const aliases = names(['providers']).flatMap((a) => {
    const uri = value(['providers', a]) ?? value(['providers', a, 'uri']);
    const s = symbol(['providers', a], a, SymbolKind.Interface, [], uri ? redactSpec(uri) : undefined);
    return s ? [s] : [];
  });
  const providers = symbol(['providers'], 'providers', SymbolKind.Namespace, aliases);
  if (providers) out.push(providers);

  const profiles = names(['profiles']).flatMap((p) => {
    const children = names(['profiles', p]).flatMap((n) => {
      const s = symbol(['profiles', p, n], n, n === 'defaults' ? SymbolKind.Property : SymbolKind.Field, [], n === 'defaults' ? undefined : value(['profiles', p, n, 'description']));
      return s ? [s] : [];
    });
    const s = symbol(['profiles', p], p, SymbolKind.Class, children);
    return s ? [s] : [];
  });
  const profilesSymbol = symbol(['profiles'], 'profiles', SymbolKind.Namespace, profiles);
  if (profilesSymbol) out.push(profilesSymbol);

  const scopes = names(['scopes']).flatMap((s) => {
    const entries = map.children(['scopes', s, 'secrets']).map((e) => value(e.path)).filter((v): v is string => v !== undefined);
    const sym = symbol(['scopes', s], s, SymbolKind.Package, [], entries.join(', '));
    return sym ? [sym] : [];
  });
  const scopesSymbol = symbol(['scopes'], 'scopes', SymbolKind.Namespace, scopes);
  if (scopesSymbol) out.push(scopesSymbol);
  return out;
}
