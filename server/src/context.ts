// What the LSP adapters in features/ get from the server: the connection,
// the open documents, analyses, settings, stores, presence checks and the
// environment. Its own module so the features never import server.ts
// (which imports them).
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializationOptions } from '../../protocol/src';
import type { CliBridge } from './cliBridge/bridge';
import type { Engine } from './engine/version';
import type { Analysis } from './manifest/analysis';
import type { MergedManifest } from './manifest/model';
import type { PluginStores } from './plugins/stores';
import type { Routing } from './check/route';
import type { PresenceChecks } from './presence';
import type { RuleEnvironment } from './rules';
import type { SettingsSource } from './settings';
import type { UserConfig } from './userConfig/parse';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  options: InitializationOptions;
  workspaceFolders: string[];
  /** The analysis of the document's current text (computed now if the last one is stale). */
  analysisFor(uri: string): Promise<Analysis | undefined>;
  /** The latest analysis of `uri` that read a whole manifest, for completion and hover while the text does not parse. */
  lastCompleteAnalysis(uri: string): Analysis | undefined;
  /** Environment the rules get (plugin lookup). */
  ruleEnvironment(): RuleEnvironment;
  settings: SettingsSource;
  /** Every provider family, as stores (only ever started in a trusted workspace). */
  stores: PluginStores;
  presence: PresenceChecks;
  /** How the secrets of the manifest at `uri` are routed, with the settings that apply to it. */
  routing(uri: string, manifest: MergedManifest): Promise<Routing>;
  /** The SecretSpec release manifests are checked against. */
  engine(): Engine;
  /** The user's `secretspec` CLI for stores no plugin serves (issue 11); undefined without one. */
  cli(): { bridge: CliBridge; delegable(uri: string): boolean; userConfigText(): string | undefined } | undefined;
  /** The user's SecretSpec config as on disk (what the CLI reads); undefined when there is none. */
  userConfig(): UserConfig | undefined;
  /** The user config as the open document `uri` holds it now, when `uri` is that file. */
  userConfigDocument(uri: string): UserConfig | undefined;
}
