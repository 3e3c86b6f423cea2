import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { CLIENT_DIR } from './build.js';

const WORKER = join(CLIENT_DIR, 'test/fixtures/refresh-worker.mjs');

/** What one getAccessToken call in a worker process got. */
export type WorkerResult = { ok: true; token: string } | { ok: false; error: string };

/** Settings of fixtures/refresh-worker.mjs: which store to open and which server to talk to. */
export interface WorkerConfig {
  store: 'redis' | 'postgres' | 'file';
  redisUrl?: string;
  keyPrefix?: string;
  postgresUrl?: string;
  filePath?: string;
  /** The control experiment: a lock that excludes no one. */
  noLock?: boolean;
  baseUrl?: string;
  authBaseUrl?: string;
  apiBaseUrl?: string;
  clientId: string;
  clientSecret: string | undefined;
  userKey: string;
  /** Client instances, one call each, per process. */
  calls: number;
}

/**
 * Forks `processes` app processes over one shared store, starts their calls together once all are
 * connected, and collects every call's result. The workers exit by themselves once they reported.
 */
export async function runWorkers(processes: number, config: WorkerConfig): Promise<WorkerResult[]> {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<WorkerResult[]>[] = [];
  for (let i = 0; i < processes; i++) {
    const child = fork(WORKER, [], {
      env: { ...process.env, GRANTBOARD_WORKER_CONFIG: JSON.stringify({ ...config, maxLifetimeMs: 60_000 }) },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
      }),
    );
    done.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: { type: string; results: WorkerResult[] }) => m.type === 'done' && resolve(m.results));
        child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it reported`)));
      }),
    );
  }
  // Whichever fails first is reported; the others must not surface as unhandled rejections.
  for (const promise of [...ready, ...done]) promise.catch(() => undefined);
  try {
    await Promise.all(ready);
    for (const child of children) child.send('go');
    const results = (await Promise.all(done)).flat();
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)),
      ),
    );
    return results;
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
