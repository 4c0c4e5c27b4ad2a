// The user config as on disk, kept current. The file (and the claim
// directories) are polled with fs.watchFile rather than watched with
// fs.watch: polling needs neither the file nor its directory to exist yet,
// and survives editors that save by replacing the file, at the cost of a
// stat per path per interval.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { parseUserConfig, type UserConfig } from './parse';

export interface UserConfigSourceOptions {
  /** Where the user config is (userConfigPath). */
  path: string;
  /** More paths whose appearance, disappearance or change matters (the `providers.d` directories). */
  alsoWatch?: readonly string[];
  /** Called after the config or a watched path changed on disk. */
  onChange: () => void;
  intervalMs?: number;
}

export class UserConfigSource {
  private config: UserConfig | undefined;
  private text: string | undefined;
  private watched: string[] = [];

  constructor(private readonly options: UserConfigSourceOptions) {
    this.read();
  }

  get path(): string {
    return this.options.path;
  }

  /** The config as last read; undefined when there is no file (or it cannot be read, which the CLI would refuse as well). */
  current(): UserConfig | undefined {
    return this.config;
  }

  /** The file's text as last read, which the CLI reads too: part of what a CLI check's cached answer depends on. */
  currentText(): string | undefined {
    return this.text;
  }

  /** Starts polling; changes are reported through onChange. */
  watch(): void {
    const interval = this.options.intervalMs ?? 1000;
    const listener = (path: string) => (current: Stats, previous: Stats) => {
      if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.nlink === previous.nlink) return;
      // A claim directory changing needs no re-read; the config only when its text did.
      if (path === this.options.path && !this.read()) return;
      this.options.onChange();
    };
    for (const path of [this.options.path, ...(this.options.alsoWatch ?? [])]) {
      // Not persistent: polling alone must not keep the server alive.
      watchFile(path, { interval, persistent: false }, listener(path));
      this.watched.push(path);
    }
  }

  dispose(): void {
    for (const path of this.watched) unwatchFile(path);
    this.watched = [];
  }

  /** Reads the file again; true when its text changed (appeared, went, or was edited). */
  private read(): boolean {
    let text: string | undefined;
    try {
      text = readFileSync(this.options.path, 'utf8');
    } catch {
      text = undefined;
    }
    if (text === this.text) return false;
    this.text = text;
    this.config = text === undefined ? undefined : parseUserConfig(text, this.options.path);
    return true;
  }
}
