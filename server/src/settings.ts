// The server's settings, pulled from the client per resource
// (workspace/configuration with a scopeUri, as vscode-eslint does) and typed
// by the protocol's one schema. Never kept in globals: each read is cached
// only until the client says the settings changed.
import type { Connection } from 'vscode-languageserver/node';
import { parseSettings, SETTINGS_SECTION, type Settings } from '../../protocol/src/settings';

/** A client that never answers workspace/configuration must not stall every request: after this, defaults. */
const GRACE_MS = 5_000;

export class SettingsSource {
  private readonly reads = new Map<string, Promise<Settings>>();

  constructor(private readonly connection: Connection) {}

  /**
   * The settings that apply to the document `uri` (resource-scoped ones may
   * differ per folder), or to the whole window when `uri` is omitted.
   */
  forResource(uri?: string): Promise<Settings> {
    const key = uri ?? '';
    let read = this.reads.get(key);
    if (!read) {
      read = this.read(uri);
      this.reads.set(key, read);
    }
    return read;
  }

  /** The client said the settings changed: every later read asks again. */
  changed(): void {
    this.reads.clear();
  }

  private async read(uri: string | undefined): Promise<Settings> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), GRACE_MS)));
    try {
      const asked = this.connection.workspace.getConfiguration(uri ? { scopeUri: uri, section: SETTINGS_SECTION } : { section: SETTINGS_SECTION });
      return parseSettings(await Promise.race([asked, grace]));
    } catch {
      // A client without workspace/configuration gets defaults.
      return parseSettings(undefined);
    } finally {
      clearTimeout(timer);
    }
  }
}
