// What every command gets: the server, the presence state, the prompts and
// the (redacting) log.
import type * as vscode from 'vscode';
import type { ServerController } from '../client';
import type { PresenceStore } from '../presenceStore';
import type { Redactor } from '../redact';
import type { Ui } from './ui';

export interface CommandContext {
  server: ServerController;
  store: PresenceStore;
  output: vscode.LogOutputChannel;
  redactor: Redactor;
  /** Read on each use: integration tests may swap it. */
  ui(): Ui;
}
