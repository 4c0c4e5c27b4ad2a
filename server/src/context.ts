// What the LSP adapters in features/ get from the server: the connection,
// the open documents, analyses and environment. Its own module so the
// features never import server.ts (which imports them).
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializationOptions } from '../../protocol/src';
import type { Engine } from './engine/version';
import type { Analysis } from './features/diagnostics';
import type { RuleEnvironment } from './rules';
import type { UserConfig } from './userConfig/parse';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  options: InitializationOptions;
  workspaceFolders: string[];
  /** The analysis of the document's current text (computed now if the last one is stale). */
  analysisFor(uri: string): Promise<Analysis | undefined>;
  /** Environment the rules get (plugin lookup). */
  ruleEnvironment(): RuleEnvironment;
  /** What a plugin scheme advertised in `hello`, when a session has started (trusted workspaces only). */
  pluginCapabilities(scheme: string): readonly string[] | undefined;
  /** The SecretSpec release manifests are checked against. */
  engine(): Engine;
  /** The user's SecretSpec config as on disk (what the CLI reads); undefined when there is none. */
  userConfig(): UserConfig | undefined;
  /** The user config as the open document `uri` holds it now, when `uri` is that file. */
  userConfigDocument(uri: string): UserConfig | undefined;
}
