// Injection, for debuggers that start the program themselves: the runner's
// `export` resolves the profile in its own process and prints one JSON
// object; it is read from the pipe into memory and put in the launch
// configuration VS Code hands to the debugger, and nowhere else (no log, no
// launch.json, no settings, no file of ours). `as_path` secrets are files
// the runner wrote in a private directory: it is removed when the session
// ends, or when the extension is deactivated.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ResolvedRun, RunContext } from './context';
import { exportArgs, INJECTION_MARKER, readExported, runnerProcess, SETTINGS_ENV, type ExportedEnvironment } from './plan';

export type ExportAnswer = { ok: true; exported: ExportedEnvironment } | { ok: false; reason: string };

/** Runs `<server> export` for `run`; stderr (names and reasons, never a value) becomes the reason it failed. */
export function exportEnvironment(ctx: RunContext, run: ResolvedRun): Promise<ExportAnswer> {
  const runner = runnerProcess(ctx.host);
  return new Promise((resolve) => {
    const child = spawn(runner.command, exportArgs(run.target), {
      cwd: path.dirname(run.target.manifest),
      env: { ...process.env, ...runner.env, [SETTINGS_ENV]: run.settingsJson },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: `the SecretSpec runner could not start (${error.code ?? 'error'})` }));
    child.once('close', (code) => {
      const text = Buffer.concat(stdout).toString('utf8');
      stdout.length = 0;
      const exported = code === 0 ? readExported(text) : undefined;
      if (exported) return resolve({ ok: true, exported });
      const said = stderr
        .split('\n')
        .map((l) => l.replace(/^secretspec-language-server export: /, '').trim())
        .filter(Boolean)
        .join(' ');
      resolve({ ok: false, reason: said || (code === 0 ? 'the SecretSpec runner printed no environment' : `the SecretSpec runner ended with status ${code}`) });
    });
  });
}

/** The `as_path` directories of live injected sessions, by the marker their configuration carries. */
export class InjectedSessions implements vscode.Disposable {
  private readonly live = new Map<string, { name: string; files: string }>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.debug.onDidTerminateDebugSession((session) => {
      const marker = session.configuration[INJECTION_MARKER];
      const entry = typeof marker === 'string' ? this.live.get(marker) : undefined;
      if (!entry || entry.name !== session.configuration.name) return;
      this.live.delete(marker);
      remove(entry.files);
    });
  }

  /** A marker for a new injected configuration; `files` is removed when its session ends. */
  track(name: string, files: string | undefined): string {
    const marker = randomUUID();
    if (files) this.live.set(marker, { name, files });
    return marker;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { files } of this.live.values()) remove(files);
    this.live.clear();
  }
}

function remove(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Already gone, or the temporary folder is cleaned by the system.
  }
}
