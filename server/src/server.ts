// The connection: wiring, settings, document lifecycle and scheduling.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { isManifestUri } from './manifest/documents';
import { ValidationScheduler } from './features/scheduler';
import { analyze } from './features/diagnostics';

export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);

  const scheduler = new ValidationScheduler(async (uri) => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const { diagnostics } = await analyze(doc.getText(), uri.startsWith('file:') ? fileURLToPath(uri) : null, {});
    // Stale work is dropped: a newer version will publish its own result.
    if (documents.get(uri)?.version !== version) return;
    await connection.sendDiagnostics({ uri, version, diagnostics });
  });

  connection.onInitialize((_params: InitializeParams) => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    },
    serverInfo: { name: 'secretspec-language-server', version: '0.1.0' },
  }));

  documents.onDidOpen((e) => isManifestUri(e.document.uri) && scheduler.request(e.document.uri));
  documents.onDidChangeContent((e) => isManifestUri(e.document.uri) && scheduler.request(e.document.uri));
  documents.onDidClose((e) => {
    if (!isManifestUri(e.document.uri)) return;
    scheduler.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
