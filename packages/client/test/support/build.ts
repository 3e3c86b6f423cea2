import { execFile } from 'node:child_process';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root and the client package's folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CLIENT_DIR = join(REPO_ROOT, 'packages/client');

/** A build running longer than this is taken to have died holding the lock. */
const STALE_LOCK_MS = 120_000;

/**
 * Builds packages to dist/ (the client by default, with the protocol package it references), for
 * tests that run code outside Vitest: child processes, the packed tarball, the server binary.
 * tsc -b is incremental, and a lock folder keeps test files running in parallel from building at once.
 */
export async function buildPackages(projects: string[] = ['packages/client']): Promise<void> {
  const lock = join(tmpdir(), `grantboard-build-${Buffer.from(REPO_ROOT).toString('base64url').slice(-40)}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rmdir(lock).catch(() => undefined);
      await sleep(100);
    }
  }
  try {
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-b', ...projects.map((p) => join(REPO_ROOT, p))], { cwd: REPO_ROOT });
  } finally {
    await rmdir(lock);
  }
}

/** Builds the client package. */
export function buildClient(): Promise<void> {
  return buildPackages(['packages/client']);
}
