import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomToken } from '../encoding.js';

/**
 * Lock files shared by every process on one machine (or one shared file system). A lock is a file
 * holding `{owner, expiresAt}`. It is published with link(2), which fails atomically when the lock
 * exists (the O_EXCL guarantee) and, unlike open(O_EXCL) followed by a write, never shows a
 * half-written file. An expired lock is broken by renaming it aside and checking that what was
 * renamed is the expired lock that was read, not a fresh one taken meanwhile by another process.
 */

interface LockContent {
  owner: string;
  expiresAt: number;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

async function readLock(path: string): Promise<LockContent | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.owner === 'string' && typeof value.expiresAt === 'number') {
      return { owner: value.owner, expiresAt: value.expiresAt };
    }
  } catch {
    // Not ours: treat as expired so a foreign file cannot block forever.
  }
  return { owner: '', expiresAt: 0 };
}

async function publish(path: string, content: LockContent): Promise<boolean> {
  const temp = `${path}.${randomToken(9)}.new`;
  await writeFile(temp, JSON.stringify(content), { mode: 0o600 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes the lock at `path` only if it still holds `owner`'s content. If the rename caught another
 * holder's lock instead, it is put back with link(2), which cannot overwrite a newer lock.
 */
async function removeIf(path: string, owner: string): Promise<void> {
  const aside = `${path}.${randomToken(9)}.old`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  const caught = await readLock(aside);
  if (caught && caught.owner !== owner) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Tries once to take the lock file `path` for `ttlMs`. Returns the owner token, or `undefined` when
 * another holder's lock has not expired.
 */
export async function tryLockFile(path: string, ttlMs: number, now: number): Promise<string | undefined> {
  const owner = randomToken(16);
  const content = { owner, expiresAt: now + ttlMs };
  if (await publish(path, content)) return owner;
  const current = await readLock(path);
  if (current && current.expiresAt > now) return undefined;
  // Stale (its holder crashed or overran its TTL): break it, then try once more.
  if (current) await removeIf(path, current.owner);
  return (await publish(path, content)) ? owner : undefined;
}

/** Releases the lock file `path` if `owner` still holds it. */
export async function unlockFile(path: string, owner: string): Promise<void> {
  const current = await readLock(path);
  if (current?.owner === owner) await removeIf(path, owner);
}
