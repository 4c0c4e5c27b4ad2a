// `pass`: the Unix password store. Entry = the URI template expanded (default
// `secretspec/{project}/{profile}/{key}`); `?store_dir=` sets
// PASSWORD_STORE_DIR (A.7, §E). Commands match SecretSpec's (`show`,
// `insert -m -f`, `rm -f`) and values travel on stdin, never in argv.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BundledProvider } from '../types';
import { OpFailure, errorBody, systemErrorCode } from './errors';
import { createSession, type Coordinates } from './session';
import { expandTemplate, templateFromUri } from '../../providers/scheme';
import { passStoreDir } from '../../providers/schemes/pass';
import { queryValue, readProviderUri } from '../../providers/uri';

// execa is ESM-only; a dynamic import works both bundled and when the sources run under a CommonJS loader.
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = (): Promise<typeof import('execa')> => (execaModule ??= import('execa'));

// gpg may wait on a pinentry nobody answers; give up rather than hang a session.
const COMMAND_TIMEOUT_MS = 30_000;

/** Why `entry` is not a safe pass entry name, or undefined. */
export function passEntryProblem(entry: string): string | undefined {
  if (entry === '' || entry.startsWith('/') || entry.includes('\0')) return 'it is empty, absolute or contains NUL';
  if (entry.split('/').some((s) => s === '' || s === '.' || s === '..')) return "it has an empty, '.' or '..' path segment";
  return undefined;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  ).slice(0, 300);
}

// pass and gpg write diagnostics to stderr only; stdout (the value) is never used in a message.
function passFailure(stderr: string, action: string, storeDir: string): OpFailure {
  const detail = firstLine(stderr);
  if (/pass init|gpg-id|password store is empty/i.test(stderr)) {
    return new OpFailure('not_found', `the password store at ${storeDir} is not initialized (${detail}); run \`pass init <gpg-id>\` with PASSWORD_STORE_DIR=${storeDir}`);
  }
  if (/decryption failed|No secret key|bad passphrase|Inappropriate ioctl|pinentry|cancel/i.test(stderr)) {
    return new OpFailure('auth_failed', `gpg could not unlock the key for ${action} (${detail}); make the key available to gpg-agent (e.g. unlock it once with \`pass show\` in a terminal)`);
  }
  if (/No public key|unusable public key|encryption failed/i.test(stderr)) {
    return new OpFailure('auth_failed', `gpg could not encrypt for the store's recipients during ${action} (${detail}); check the keys in ${storeDir}/.gpg-id`);
  }
  return new OpFailure('internal', `pass failed during ${action} (${detail || 'no diagnostics'})`);
}

export const passProvider: BundledProvider = {
  scheme: 'pass',
  async open(hello, env) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    const template = templateFromUri(parsed.url);
    const storeDir = passStoreDir(queryValue(parsed.url, 'store_dir'), hello.config_file, env, process.cwd());
    const childEnv: NodeJS.ProcessEnv = { ...env, PASSWORD_STORE_DIR: storeDir };

    const entryName = (at: Coordinates, key: string): string => {
      const entry = expandTemplate(template, { ...at, key });
      const problem = passEntryProblem(entry);
      if (problem) throw new OpFailure('invalid_request', `'${entry.slice(0, 120)}' is not a usable pass entry: ${problem}`);
      return entry;
    };
    const gpgFileExists = async (entry: string): Promise<boolean> => {
      try {
        return (await fs.stat(path.join(storeDir, `${entry}.gpg`))).isFile();
      } catch (err) {
        const code = systemErrorCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return false;
        throw err;
      }
    };
    const pass = async (action: string, args: string[], input?: string) => {
      const { execa } = await loadExeca();
      try {
        return await execa('pass', args, {
          env: childEnv,
          extendEnv: false,
          input: input ?? '',
          reject: false,
          stripFinalNewline: false,
          timeout: COMMAND_TIMEOUT_MS,
          encoding: 'utf8',
        });
      } catch (err) {
        throw new OpFailure('internal', `could not run pass for ${action}: ${(err as Error).name}`);
      }
    };
    const checkRan = (result: Awaited<ReturnType<typeof pass>>, action: string): void => {
      if (result.timedOut) throw new OpFailure('unavailable', `pass did not finish ${action} within ${COMMAND_TIMEOUT_MS / 1000} s; gpg may be waiting for a passphrase prompt`);
      if (systemErrorCode(result.cause) === 'ENOENT' || (result.failed && result.exitCode === undefined)) {
        throw new OpFailure('unavailable', 'the `pass` command is not installed or not on PATH; install pass (e.g. `apt install pass`) and retry');
      }
    };

    return createSession('pass', ['get', 'batch_get', 'exists', 'set', 'delete'], {
      async get(at, key) {
        const entry = entryName(at, key);
        const result = await pass('get', ['show', entry]);
        checkRan(result, 'get');
        if (result.exitCode !== 0) {
          if (/is not in the password store/.test(result.stderr)) return null;
          throw passFailure(result.stderr, 'get', storeDir);
        }
        // An entry ends with the one newline `pass insert` (and SecretSpec 0.21's `set`) writes; it is
        // not part of the value, and nothing else is trimmed (`strip_one_trailing_newline`).
        return result.stdout.endsWith('\n') ? result.stdout.slice(0, -1) : result.stdout;
      },
      exists: async (at, key) => gpgFileExists(entryName(at, key)),
      async set(at, key, value) {
        const entry = entryName(at, key);
        // Newline-terminated like every pass entry, so `get` (ours or SecretSpec's) gives back exactly `value`.
        const result = await pass('set', ['insert', '-m', '-f', entry], `${value}\n`);
        checkRan(result, 'set');
        if (result.exitCode !== 0) throw passFailure(result.stderr, 'set', storeDir);
      },
      async delete(at, key) {
        const entry = entryName(at, key);
        if (!(await gpgFileExists(entry))) return;
        const result = await pass('delete', ['rm', '-f', entry]);
        checkRan(result, 'delete');
        if (result.exitCode !== 0 && !/is not in the password store/.test(result.stderr)) throw passFailure(result.stderr, 'delete', storeDir);
      },
    });
  },
};
