// `file`: one plaintext file per secret at ROOT/{project}/{profile}/{key}
// (A.7, §E), with SecretSpec's safety rules: every path component is one safe
// filename, and no symbolic link inside the store is ever followed.
import { randomBytes } from 'node:crypto';
import { readRegularFile, UnsafeRead } from '../../manifest/safeRead';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BundledProvider } from '../types';
import { OpFailure, errorBody, systemErrorCode } from './errors';
import { createSession, type Coordinates } from './session';
import { fileRoot } from '../../providers/schemes/file';

/** True when `value` cannot be one path component of the store. */
export function unsafeComponent(value: string): boolean {
  return value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value);
}

async function lstatOrNull(p: string): Promise<import('node:fs').Stats | null> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return null;
    if (systemErrorCode(err) === 'EACCES') throw new OpFailure('permission_denied', `cannot inspect ${p}: permission denied`);
    throw err;
  }
}

function symlinkRefused(p: string): OpFailure {
  return new OpFailure('permission_denied', `file provider path '${p}' is a symbolic link; symbolic links inside the store are not followed. Replace it with a real directory or file.`);
}

class FileStore {
  constructor(readonly root: string) {}

  entryPath(at: Coordinates, key: string): string {
    for (const [label, value] of [['project', at.project], ['profile', at.profile], ['secret key', key]] as const) {
      if (unsafeComponent(value)) {
        throw new OpFailure('invalid_request', `the file provider cannot map ${label} '${value.slice(0, 80)}' to one safe path component (no '/', '\\', NUL, '.' or '..')`);
      }
    }
    return path.join(this.root, at.project, at.profile, key);
  }

  private async isDirectory(p: string, label: string): Promise<boolean> {
    const st = await lstatOrNull(p);
    if (st === null) return false;
    if (st.isSymbolicLink()) throw symlinkRefused(p);
    if (!st.isDirectory()) throw new OpFailure('internal', `file provider ${label} '${p}' is not a directory; move it aside`);
    return true;
  }

  /** Checks root and every directory below it without following links; false once one is absent. */
  private async parentChainExists(parent: string): Promise<boolean> {
    if (!(await this.isDirectory(this.root, 'root'))) return false;
    let current = this.root;
    for (const part of path.relative(this.root, parent).split(path.sep).filter(Boolean)) {
      current = path.join(current, part);
      if (!(await this.isDirectory(current, 'directory'))) return false;
    }
    return true;
  }

  async entryExists(entry: string): Promise<boolean> {
    if (!(await this.parentChainExists(path.dirname(entry)))) return false;
    const st = await lstatOrNull(entry);
    if (st === null) return false;
    if (st.isSymbolicLink()) throw symlinkRefused(entry);
    if (!st.isFile()) throw new OpFailure('internal', `file provider entry '${entry}' is not a regular file; move it aside`);
    return true;
  }

  async read(entry: string): Promise<string | null> {
    if (!(await this.entryExists(entry))) return null;
    // Bounded like every file a manifest names: the entry could be swapped for a FIFO after the check above.
    const bytes = await readRegularFile(entry).catch((err: unknown) => {
      throw err instanceof UnsafeRead ? new OpFailure('internal', `file provider entry ${err.message}`) : err;
    });
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new OpFailure('internal', `file provider entry '${entry}' is not UTF-8 text; rewrite it with \`secretspec set\``);
    }
  }

  async write(entry: string, value: string): Promise<void> {
    await this.entryExists(entry);
    const parent = path.dirname(entry);
    try {
      await fs.mkdir(parent, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = systemErrorCode(err);
      if (code === 'EACCES' || code === 'EPERM') throw new OpFailure('permission_denied', `cannot create ${parent}: permission denied`);
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new OpFailure('internal', `cannot create ${parent}: a file is in the way; move it aside`);
      throw err;
    }
    // Re-check after creating directories so a link planted meanwhile is still refused.
    if (!(await this.parentChainExists(parent))) throw new OpFailure('internal', `file provider directory '${parent}' disappeared while preparing a write`);
    await this.entryExists(entry);
    const temp = path.join(parent, `.${path.basename(entry)}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: import('node:fs/promises').FileHandle | undefined;
    try {
      handle = await fs.open(temp, 'wx', 0o600);
      await handle.writeFile(value, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fs.rename(temp, entry);
    } catch (err) {
      await handle?.close();
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async remove(entry: string): Promise<void> {
    if (!(await this.entryExists(entry))) return;
    await fs.unlink(entry);
  }
}

export const fileProvider: BundledProvider = {
  scheme: 'file',
  async open(hello, env) {
    const located = fileRoot(hello.uri, hello.config_file, env, process.cwd());
    if (!located.ok) return errorBody('invalid_request', located.message);
    const store = new FileStore(located.root);
    return createSession('file', ['get', 'batch_get', 'exists', 'set', 'delete'], {
      get: (at, key) => store.read(store.entryPath(at, key)),
      exists: (at, key) => store.entryExists(store.entryPath(at, key)),
      set: (at, key, value) => store.write(store.entryPath(at, key), value),
      delete: (at, key) => store.remove(store.entryPath(at, key)),
    });
  },
};
