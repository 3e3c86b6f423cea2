import { execFile } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root and the client package's folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CLIENT_DIR = join(REPO_ROOT, 'packages/client');

/**
 * Builds the client (and the protocol package it references) to dist/, for tests that run it
 * outside Vitest: child processes and the packed tarball. tsc -b is incremental, and a lock folder
 * keeps test files running in parallel from building at once.
 */
export async function buildClient(): Promise<void> {
  const lock = join(tmpdir(), 'grantboard-client-build.lock');
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (waited > 120_000) throw new Error(`build lock ${lock} is stuck`);
      await sleep(100);
    }
  }
  try {
    await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', CLIENT_DIR], {
      cwd: REPO_ROOT,
    });
  } finally {
    await rmdir(lock);
  }
}
