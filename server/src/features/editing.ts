// Editing intelligence (completion, hover, quick fixes, navigation, rename):
// each feature is a pure function over the Analysis; this file only wires
// them to the connection and says which capabilities it provides.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionKind, type Position, type ServerCapabilities } from 'vscode-languageserver/node';
import { isManifestUri } from '../manifest/documents';
import type { ServerContext } from '../context';
import { codeActions } from './codeActions';
import { completions } from './completion';
import { registerFormatting } from './formatting';
import type { Analysis } from '../manifest/analysis';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { definition, references, type ManifestFile } from './navigation';
import { prepareRename, rename } from './rename';
import { documentSymbols } from './symbols';
import { userConfigCompletions, userConfigHover } from './userConfigDocument';
import { manifestDirsNear, pluginSchemesOnPath } from './workspaceScan';

export function registerEditingFeatures(context: ServerContext): ServerCapabilities {
  const { connection } = context;
  async function current(uri: string): Promise<{ analysis: Analysis; complete: Analysis | undefined; offset: (p: Position) => number } | undefined> {
    if (!isManifestUri(uri)) return undefined;
    const analysis = await context.analysisFor(uri);
    if (!analysis) return undefined;
    const map = analysis.load.root.map;
    return { analysis, complete: analysis.load.merged ? analysis : context.lastCompleteAnalysis(uri), offset: (p) => map.offsetAt(p.line, p.character) };
  }

  /** The parents a manifest extends, each as the editor holds it when open (edits must match unsaved text), else as read from disk. */
  async function parentsOf(analysis: Analysis): Promise<ManifestFile[]> {
    const out: ManifestFile[] = [];
    for (const [path, parsed] of analysis.load.files) {
      const uri = pathToFileURL(path).href;
      const open = context.documents.get(uri) ? await context.analysisFor(uri) : undefined;
      out.push({ uri, map: open?.load.root.map ?? parsed.map });
    }
    return out;
  }

  const pluginSchemes = () => pluginSchemesOnPath(process.env['PATH'], context.workspaceFolders);
  const manifestPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : null);

  const userAliases = () => context.userConfig()?.aliases ?? new Map();

  connection.onCompletion(async (params) => {
    const user = context.userConfigDocument(params.textDocument.uri);
    if (user) return userConfigCompletions(user, user.parsed.map.offsetAt(params.position.line, params.position.character), { pluginSchemes });
    const got = await current(params.textDocument.uri);
    if (!got) return [];
    const path = manifestPath(params.textDocument.uri);
    return completions(got.analysis, got.complete, got.offset(params.position), {
      pluginSchemes,
      manifestDirs: () => (path ? manifestDirsNear(path) : []),
      userAliases,
    });
  });

  connection.onHover(async (params) => {
    const env = { pluginInstalled: (s: string) => pluginSchemes().includes(s), advertised: (s: string) => context.stores.capabilitiesOf(s), engine: context.engine() };
    const user = context.userConfigDocument(params.textDocument.uri);
    if (user) return userConfigHover(user, user.parsed.map.offsetAt(params.position.line, params.position.character), env);
    const got = await current(params.textDocument.uri);
    if (!got) return null;
    const uri = params.textDocument.uri;
    return hover(got.analysis, got.complete, got.offset(params.position), {
      ...env,
      userAliases: userAliases(),
      viaCli: (profile, name) => context.presence.answeredViaCli(uri, profile, name),
    });
  });

  connection.onCodeAction(async (params) => {
    const got = await current(params.textDocument.uri);
    if (!got) return [];
    return codeActions(got.analysis, params.textDocument.uri, params.context.diagnostics);
  });

  connection.onDocumentSymbol(async (params) => {
    const got = await current(params.textDocument.uri);
    return got ? documentSymbols(got.analysis.load.root.map) : [];
  });

  connection.onDefinition(async (params) => {
    const got = await current(params.textDocument.uri);
    return got ? definition(got.analysis, params.textDocument.uri, got.offset(params.position), context.userConfig()) : [];
  });

  connection.onReferences(async (params) => {
    const got = await current(params.textDocument.uri);
    if (!got) return [];
    const root = { uri: params.textDocument.uri, map: got.analysis.load.root.map };
    return references(root, await parentsOf(got.analysis), got.offset(params.position), params.context.includeDeclaration);
  });

  connection.onPrepareRename(async (params) => {
    const got = await current(params.textDocument.uri);
    return got ? prepareRename(got.analysis.load.root.map, got.offset(params.position)) : null;
  });

  connection.onRenameRequest(async (params) => {
    const got = await current(params.textDocument.uri);
    if (!got) return null;
    const root = { uri: params.textDocument.uri, map: got.analysis.load.root.map };
    return rename(root, await parentsOf(got.analysis), got.offset(params.position), params.newName);
  });

  connection.languages.inlayHint.on(async (params) => {
    const got = await current(params.textDocument.uri);
    if (!got?.analysis.load.merged) return [];
    return inlayHints(got.analysis, got.offset(params.range.start), got.offset(params.range.end));
  });

  registerFormatting(context);

  return {
    completionProvider: { triggerCharacters: ['[', '"', "'", '{', '$', '.', ','] },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    documentSymbolProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    inlayHintProvider: true,
    documentFormattingProvider: true,
  };
}
