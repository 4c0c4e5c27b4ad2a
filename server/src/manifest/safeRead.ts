// Reading a file a manifest names (an `extends` parent, a `dotenv:` or
// `file:` path) without letting the manifest stall or exhaust the server:
// only regular files, never anything under /proc, /sys or /dev (their
// "regular" files are the kernel's, e.g. /proc/self/environ), bounded in
// size and in time. Opened with O_NONBLOCK so a FIFO cannot block the open
// itself; its type is then checked on the open handle, so a swap between
// check and read cannot slip a FIFO or device in.
import { constants, promises as fs } from 'node:fs';

/** Larger than any manifest or .env file a person writes; a bigger file is refused, not read. */
export const MAX_READ_BYTES = 8 * 1024 * 1024;
/** A local regular file is read in milliseconds; a hung network mount is given up on. */
export const READ_TIMEOUT_MS = 5000;

export class UnsafeRead extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'not-regular' | 'kernel' | 'too-large' | 'timeout',
  ) {
    super(`${path}: ${REASONS[reason]}`);
  }
}

const REASONS = {
  'not-regular': 'not a regular file (a FIFO, device, socket or directory is never read)',
  kernel: 'a kernel file (/proc, /sys, /dev) is never read',
  'too-large': `larger than ${MAX_READ_BYTES / 1024 / 1024} MiB`,
  timeout: `not read within ${READ_TIMEOUT_MS / 1000} s`,
} as const;

// statfs magic numbers of the kernel's pseudo file systems.
const KERNEL_FS = new Set([0x9fa0 /* proc */, 0x62656572 /* sysfs */, 0x1cd1 /* devpts */, 0x64626720 /* debugfs */, 0x74726163 /* tracefs */, 0x27e0eb /* cgroup */, 0x63677270 /* cgroup2 */]);
const KERNEL_PREFIX = /^\/(proc|sys|dev)(\/|$)/;

/**
 * The file's bytes, or throws: ENOENT and the like as fs does, UnsafeRead
 * for what is never read. `options.maxBytes` and `timeoutMs` tighten the bounds (tests).
 */
export async function readRegularFile(path: string, options: { maxBytes?: number; timeoutMs?: number } = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_READ_BYTES;
  const real = await fs.realpath(path);
  if (KERNEL_PREFIX.test(real)) throw new UnsafeRead(path, 'kernel');
  const handle = await fs.open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = (async () => {
      const st = await handle.stat();
      if (!st.isFile()) throw new UnsafeRead(path, 'not-regular');
      if (KERNEL_FS.has(Number((await fs.statfs(real)).type))) throw new UnsafeRead(path, 'kernel');
      if (st.size > maxBytes) throw new UnsafeRead(path, 'too-large');
      // The size can grow between stat and read: read at most one byte past the bound.
      const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(st.size, 0) + 64 * 1024));
      let length = 0;
      for (;;) {
        if (length === buffer.length) break;
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (!bytesRead) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw new UnsafeRead(path, 'too-large');
      return buffer.subarray(0, length);
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnsafeRead(path, 'timeout')), options.timeoutMs ?? READ_TIMEOUT_MS);
    });
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
    await handle.close();
  }
}
