import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomToken } from '../encoding.js';
import type { Clock, LockLease, PendingAuthorization, TokenSet, TokenStore } from '../token-store.js';
import { decodePending, decodeTokenSet, encode } from './codec.js';
import { tryLockFile, unlockFile } from './lock-file.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** The JSON file to keep everything in. Its folder is created (mode 0700) when missing. */
  path: string;
  /** Time source for lock and pending-request expiry; defaults to `Date`. */
  clock?: Clock;
  /** How long to wait for the file's write lock before failing, in milliseconds. Default 15 000 (longer than a crashed writer's lock lives). */
  writeLockWaitMs?: number;
}

interface FileContent {
  version: 1;
  tokens: Record<string, string>;
  pending: Record<string, string>;
}

/** A lock over one read-modify-write of the data file; held for milliseconds. */
const WRITE_LOCK_TTL_MS = 10_000;

/**
 * A {@link TokenStore} in one JSON file (mode 0600), for single-machine apps and command-line tools.
 * Every write replaces the file atomically (write a temporary file, then rename), under a lock file
 * taken with O_EXCL semantics, so any number of processes on the machine can share it. Refresh locks
 * are lock files next to it; a lock left by a crashed process expires after its TTL.
 */
export class FileTokenStore implements TokenStore {
  /** The data file's path. */
  readonly path: string;
  readonly #clock: Clock;
  readonly #writeLockWaitMs: number;
  #folderReady = false;

  /** Creates a store over `options.path`; nothing is read or written until first use. */
  constructor(options: FileTokenStoreOptions) {
    this.path = options.path;
    this.#clock = options.clock ?? Date;
    this.#writeLockWaitMs = options.writeLockWaitMs ?? 15_000;
  }

  /** {@inheritDoc TokenStore.getTokens} */
  async getTokens(userKey: string): Promise<TokenSet | undefined> {
    const text = (await this.#read()).tokens[userKey];
    return text === undefined ? undefined : decodeTokenSet(text);
  }

  /** {@inheritDoc TokenStore.setTokens} */
  async setTokens(userKey: string, tokens: TokenSet): Promise<void> {
    await this.#update((content) => {
      content.tokens[userKey] = encode(tokens);
    });
  }

  /** {@inheritDoc TokenStore.deleteTokens} */
  async deleteTokens(userKey: string): Promise<void> {
    await this.#update((content) => {
      delete content.tokens[userKey];
    });
  }

  /** {@inheritDoc TokenStore.putPendingAuthorization} */
  async putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void> {
    const now = this.#clock.now();
    await this.#update((content) => {
      for (const [key, text] of Object.entries(content.pending)) {
        if ((decodePending(text)?.expiresAt ?? 0) <= now) delete content.pending[key];
      }
      content.pending[state] = encode(pending);
    });
  }

  /** {@inheritDoc TokenStore.takePendingAuthorization} */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    let taken: string | undefined;
    await this.#update((content) => {
      taken = content.pending[state];
      delete content.pending[state];
    });
    const pending = taken === undefined ? undefined : decodePending(taken);
    return pending && pending.expiresAt > this.#clock.now() ? pending : undefined;
  }

  /** {@inheritDoc TokenStore.tryAcquireLock} */
  async tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined> {
    await this.#ensureFolder();
    const owner = await tryLockFile(this.#lockPath(name), ttlMs, this.#clock.now());
    return owner === undefined ? undefined : { name, owner };
  }

  /** {@inheritDoc TokenStore.releaseLock} */
  async releaseLock(lease: LockLease): Promise<void> {
    await unlockFile(this.#lockPath(lease.name), lease.owner);
  }

  #lockPath(name: string): string {
    // Hashed, so any user key makes a safe file name.
    return `${this.path}.${createHash('sha256').update(name).digest('hex').slice(0, 32)}.lock`;
  }

  async #ensureFolder(): Promise<void> {
    if (this.#folderReady) return;
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    this.#folderReady = true;
  }

  async #read(): Promise<FileContent> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, tokens: {}, pending: {} };
      throw error;
    }
    const value = JSON.parse(text) as Partial<FileContent>;
    return { version: 1, tokens: value.tokens ?? {}, pending: value.pending ?? {} };
  }

  async #update(change: (content: FileContent) => void): Promise<void> {
    await this.#ensureFolder();
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + this.#writeLockWaitMs;
    let owner: string | undefined;
    for (let attempt = 0; ; attempt++) {
      owner = await tryLockFile(lockPath, WRITE_LOCK_TTL_MS, Date.now());
      if (owner !== undefined) break;
      if (Date.now() >= deadline) throw new Error(`could not lock ${this.path} within ${this.#writeLockWaitMs} ms`);
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
    try {
      const content = await this.#read();
      change(content);
      const temp = `${this.path}.${randomToken(9)}.tmp`;
      try {
        await writeFile(temp, JSON.stringify(content), { mode: 0o600 });
        // rename(2) replaces the file atomically: readers see the old or the new content, never half.
        await rename(temp, this.path);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    } finally {
      await unlockFile(lockPath, owner);
    }
  }
}
