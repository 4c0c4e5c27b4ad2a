// `dotenv`: one flat .env file (§E). The path comes from the URI (A.7) and a
// relative one resolves against the manifest's directory, like the CLI.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Declaration } from '../../providers/store';
import type { BundledProvider } from '../types';
import { OpFailure, errorBody, systemErrorCode } from './errors';
import { deleteDotenvValue, isDotenvKey, parseDotenv, setDotenvValue, type DotenvAssignment } from './dotenvFormat';
import { createSession } from './session';
import { dotenvPath } from '../../providers/schemes/dotenv';
import { readProviderUri } from '../../providers/uri';
import { readRegularFile, UnsafeRead } from '../../manifest/safeRead';

async function readText(file: string): Promise<string | null> {
  try {
    // Only a regular file, bounded: a FIFO, device or /proc file named by a manifest is never read.
    return (await readRegularFile(file)).toString('utf8');
  } catch (err) {
    if (err instanceof UnsafeRead) throw new OpFailure('invalid_request', `${err.message}; point the dotenv provider at a .env file`);
    const code = systemErrorCode(err);
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR') throw new OpFailure('invalid_request', `${file} is a directory; point the dotenv provider at a file (e.g. dotenv:.env)`);
    if (code === 'EACCES' || code === 'EPERM') throw new OpFailure('permission_denied', `cannot read ${file}: permission denied; check the file's permissions`);
    throw err;
  }
}

function parseOrFail(file: string, text: string): DotenvAssignment[] {
  const parsed = parseDotenv(text);
  // The offending line is not quoted back: it may hold a value.
  if (!parsed.ok) throw new OpFailure('invalid_request', `${file}:${parsed.line}: ${parsed.reason}; fix that line so SecretSpec can read the file`);
  return parsed.assignments;
}

// dotenv-ng loads into a map, so the last assignment of a key wins.
function lastValue(assignments: readonly DotenvAssignment[], key: string): string | null {
  let value: string | null = null;
  for (const a of assignments) if (a.key === key) value = a.value;
  return value;
}

// Write beside the target, then rename: a crash never leaves a half-written .env.
async function writeAtomically(file: string, text: string): Promise<void> {
  let mode = 0o600;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw err;
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, text, { mode, flag: 'wx' });
    await fs.chmod(temp, mode);
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    const code = systemErrorCode(err);
    if (code === 'ENOENT') throw new OpFailure('not_found', `the directory of ${file} does not exist; create it first`);
    if (code === 'EACCES' || code === 'EPERM') throw new OpFailure('permission_denied', `cannot write ${file}: permission denied; check the directory's permissions`);
    throw err;
  }
}

export const dotenvProvider: BundledProvider = {
  scheme: 'dotenv',
  async open(hello, env) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    const file = dotenvPath(parsed.url, hello.config_file, env, process.cwd());
    const load = async (): Promise<{ text: string; assignments: DotenvAssignment[] }> => {
      const text = (await readText(file)) ?? '';
      return { text, assignments: parseOrFail(file, text) };
    };
    const checkKey = (key: string): void => {
      if (!isDotenvKey(key)) throw new OpFailure('invalid_request', `'${key.slice(0, 80)}' cannot be a .env key: it must be non-empty, without '=', '#', whitespace or control characters`);
    };
    return createSession('dotenv', ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'], {
      async get(_at, key) {
        const { assignments } = await load();
        return lastValue(assignments, key);
      },
      async batchGet(_at, keys) {
        const { assignments } = await load();
        const values: Record<string, string | null> = {};
        for (const key of keys) values[key] = lastValue(assignments, key);
        return values;
      },
      async exists(_at, key) {
        const { assignments } = await load();
        return assignments.some((a) => a.key === key);
      },
      async set(_at, key, value) {
        checkKey(key);
        // Like SecretSpec's renderer: no quoting can carry a NUL through a .env file.
        if (value.includes('\0')) throw new OpFailure('invalid_request', 'a value with a NUL character cannot be stored in a .env file');
        const { text, assignments } = await load();
        await writeAtomically(file, setDotenvValue(text, assignments, key, value));
      },
      async delete(_at, key) {
        const current = await readText(file);
        if (current === null) return;
        const assignments = parseOrFail(file, current);
        if (!assignments.some((a) => a.key === key)) return;
        await writeAtomically(file, deleteDotenvValue(current, assignments, key));
      },
      async reflect() {
        const { assignments } = await load();
        const secrets: Record<string, Declaration> = {};
        for (const a of assignments) secrets[a.key] = { description: `${a.key} secret`, required: true };
        return secrets;
      },
    });
  },
};
