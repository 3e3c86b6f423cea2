import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenSet } from '../src/index.js';
import { FileTokenStore } from '../src/stores/file-store.js';

const tokens = (accessToken: string): TokenSet => ({
  accessToken,
  tokenType: 'bearer',
  scope: 'boards:read',
  userId: '1',
  teamId: '2',
  obtainedAt: 0,
});

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gb-file-store-unit-'));
  path = join(dir, 'tokens.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  it('keeps the file private to its owner (mode 0600)', async () => {
    await new FileTokenStore({ path }).setTokens('u', tokens('a'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('breaks the write lock of a crashed writer once it has expired', async () => {
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'crashed', expiresAt: Date.now() - 1 }));
    const store = new FileTokenStore({ path, writeLockWaitMs: 2_000 });
    await store.setTokens('u', tokens('a'));
    expect((await store.getTokens('u'))?.accessToken).toBe('a');
  });

  it('waits for a live write lock instead of writing under it', async () => {
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'busy', expiresAt: Date.now() + 60_000 }));
    const store = new FileTokenStore({ path, writeLockWaitMs: 300 });
    await expect(store.setTokens('u', tokens('a'))).rejects.toThrow(/could not lock/);
    expect(await store.getTokens('u')).toBeUndefined();
  });

  it('does not let a foreign, unreadable lock file block forever', async () => {
    await writeFile(`${path}.lock`, 'not json');
    await new FileTokenStore({ path, writeLockWaitMs: 2_000 }).setTokens('u', tokens('a'));
  });

  it('loses no write among many concurrent writers sharing the file', async () => {
    const writers = Array.from({ length: 6 }, () => new FileTokenStore({ path }));
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => writers[i % writers.length]?.setTokens(`user-${i}`, tokens(`t${i}`))),
    );
    const content = JSON.parse(await readFile(path, 'utf8')) as { tokens: Record<string, string> };
    expect(Object.keys(content.tokens)).toHaveLength(30);
  });
});
