// Which SecretSpec 0.21 endpoint serves a scheme, found as the CLI finds it
// (provider/external.rs `resolve_with_security`, `load_registration`): the
// claim `<scheme>.secretspec.json` in the user's `providers.d`, else the
// system's; the first directory where the file exists decides, and a claim
// that fails a check is an error, not a reason to look further. Built-in
// schemes are never looked up, so a claim cannot shadow one.
//
// A claim is trusted only as far as the files behind it: the claim and the
// executable are regular files nobody else may write (owner the effective
// user or root, root only for the system directory; no group or world write
// bit), the executable has an execute bit, and so has every directory above
// either of them, on the canonical path (a world-writable ancestor is
// allowed only with the sticky bit, like /tmp). Windows ACL checks are not
// implemented: there a claim is refused rather than trusted unchecked.
import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { claimDirectories } from '../plugins/discovery';
import { environmentPatternProblem } from './environment';
import { SCHEME } from './messages';
import { parseStrict } from './wire';

/** Claims larger than this are refused unread. */
const CLAIM_MAX_BYTES = 64 * 1024;
const STICKY_BIT = 0o1000;

export type ClaimScope = 'user' | 'system';

export interface EndpointClaim {
  scheme: string;
  /** The claim file, as found. */
  file: string;
  scope: ClaimScope;
  /** Canonical: later changes to a symlink do not change a resolved endpoint. */
  executable: string;
  /** R3 launch contract: `<executable> provider`. */
  args: readonly string[];
  /** Parent variables the endpoint may see beyond the base set (environment.ts). */
  environment: readonly string[];
}

export type ClaimLookup = { status: 'none' } | { status: 'found'; claim: EndpointClaim } | { status: 'rejected'; file: string; problem: string };

export interface ClaimSearch {
  env: NodeJS.ProcessEnv;
  /** SecretSpec's compiled-in schemes: never looked up, so a claim cannot shadow one. */
  isBuiltin(scheme: string): boolean;
  platform?: NodeJS.Platform;
  /** The process's effective uid; files it owns are trusted like root's. */
  euid?: number;
}

class Untrusted extends Error {}

function untrusted(message: string): never {
  throw new Untrusted(message);
}

function ownerTrusted(uid: number, scope: ClaimScope, euid: number): boolean {
  return scope === 'system' ? uid === 0 : uid === euid || uid === 0;
}

function lstatOrFail(file: string): Stats {
  try {
    return lstatSync(file);
  } catch {
    return untrusted('provider discovery I/O failed');
  }
}

function realpathOrFail(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return untrusted('provider discovery I/O failed');
  }
}

/** external.rs `check_file_security`, on the canonical path. */
function checkFile(file: string, scope: ClaimScope, euid: number, executable: boolean): void {
  const stats = lstatOrFail(realpathOrFail(file));
  if (!stats.isFile() || (stats.mode & 0o022) !== 0) {
    untrusted(executable ? 'provider executable is group- or world-writable' : 'provider registration is group- or world-writable');
  }
  if (!ownerTrusted(stats.uid, scope, euid)) untrusted('provider endpoint ownership is outside the trust domain');
  if (executable && (stats.mode & 0o111) === 0) untrusted('provider executable is not executable');
}

/** external.rs `check_parent_security`: every directory above the canonical path, up to the root. */
function checkAncestors(file: string, scope: ClaimScope, euid: number): void {
  let dir = path.dirname(realpathOrFail(file));
  for (;;) {
    const stats = lstatOrFail(dir);
    if (!stats.isDirectory()) untrusted('provider endpoint path component is not a directory');
    if ((stats.mode & 0o022) !== 0 && (stats.mode & STICKY_BIT) === 0) untrusted('provider endpoint directory is group- or world-writable');
    if (!ownerTrusted(stats.uid, scope, euid)) untrusted('provider endpoint directory ownership is outside the trust domain');
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The claim's bytes, read as the CLI reads them: no symlink, at most 64 KiB, the same file from lstat to read, checked in between. */
function readClaim(file: string, scope: ClaimScope, euid: number): Buffer {
  const before = lstatOrFail(file);
  if (before.isSymbolicLink() || !before.isFile()) untrusted('provider registration is not a regular non-symlink file');
  if (before.size > CLAIM_MAX_BYTES) untrusted('provider registration exceeds 64 KiB');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return untrusted('provider discovery I/O failed');
  }
  try {
    if (!sameFile(before, fstatSync(fd))) untrusted('provider registration changed while it was opened');
    checkFile(file, scope, euid, false);
    checkAncestors(file, scope, euid);
    const after = lstatOrFail(file);
    if (after.isSymbolicLink() || !sameFile(before, after)) untrusted('provider registration changed during validation');
    const buffer = Buffer.alloc(CLAIM_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > CLAIM_MAX_BYTES) untrusted('provider registration exceeds 64 KiB');
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** The claim's two members. Unknown members are ignored, so a later SecretSpec may extend the file. */
function parseClaim(bytes: Buffer): { executable: string; environment: string[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return untrusted('invalid provider registration');
  }
  const parsed = parseStrict(text);
  const value = parsed.ok ? parsed.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return untrusted('invalid provider registration');
  const { executable, environment = [] } = value as { executable?: unknown; environment?: unknown };
  if (typeof executable !== 'string' || !Array.isArray(environment) || !environment.every((e): e is string => typeof e === 'string')) {
    return untrusted('invalid provider registration');
  }
  return { executable, environment };
}

function resolveEndpoint(scheme: string, file: string, scope: ClaimScope, euid: number): EndpointClaim {
  const claim = parseClaim(readClaim(file, scope, euid));
  for (const pattern of claim.environment) {
    const problem = environmentPatternProblem(pattern);
    if (problem) untrusted(problem);
  }
  if (!path.isAbsolute(claim.executable)) untrusted('provider executable must be absolute');
  const executable = realpathOrFail(claim.executable);
  let isFile = false;
  try {
    isFile = statSync(executable).isFile();
  } catch {
    // Reported as not a regular file below.
  }
  if (!isFile) untrusted('provider executable is not a regular file');
  checkFile(executable, scope, euid, true);
  checkAncestors(executable, scope, euid);
  return { scheme, file, scope, executable, args: ['provider'], environment: claim.environment };
}

/** The endpoint claimed for `scheme`, SecretSpec's rejection of its claim, or none. */
export function findEndpointClaim(scheme: string, search: ClaimSearch): ClaimLookup {
  if (!SCHEME.test(scheme) || search.isBuiltin(scheme)) return { status: 'none' };
  const platform = search.platform ?? process.platform;
  const dirs = claimDirectories(search.env, platform);
  for (const [index, dir] of dirs.entries()) {
    const file = path.join(dir, `${scheme}.secretspec.json`);
    let present: boolean;
    try {
      // Follows a symlink, as Rust's try_exists does; a dangling one is absent. The read then refuses the link.
      present = statSync(file, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return { status: 'rejected', file, problem: 'provider discovery I/O failed' };
    }
    if (!present) continue;
    if (platform === 'win32') return { status: 'rejected', file, problem: 'provider claims are not supported on Windows yet: their ACLs are not checked' };
    // claimDirectories lists the user's directory first, when there is one, and the system's last.
    const scope: ClaimScope = index === dirs.length - 1 ? 'system' : 'user';
    try {
      return { status: 'found', claim: resolveEndpoint(scheme, file, scope, search.euid ?? process.geteuid?.() ?? 0) };
    } catch (error) {
      if (error instanceof Untrusted) return { status: 'rejected', file, problem: error.message };
      throw error;
    }
  }
  return { status: 'none' };
}
