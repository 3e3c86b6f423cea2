import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { REPO_ROOT } from './build.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'packages/server/bin/grantboard.js');

/** A real Grantboard server process on a temporary SQLite database, plus its CLI. */
export interface GrantboardServer {
  url: string;
  databasePath: string;
  /** Runs `grantboard <args> --json` against the same database and returns the parsed output. */
  cli<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * Migrates a fresh database and starts `grantboard serve` on a free port. Refresh-token reuse has no
 * grace window here, so a second refresh with one refresh token revokes the grant at once: the
 * client's single-flight refresh is then the only thing between concurrency and a logout.
 */
export async function startGrantboard(extraEnv: Record<string, string> = {}): Promise<GrantboardServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-client-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const databasePath = join(dir, 'grantboard.db');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${databasePath}`,
    PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    GRANTBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    REFRESH_REUSE_GRACE_SECONDS: '0',
    REDIS_URL: '',
    ...extraEnv,
  };
  const cli = async <T>(...args: string[]): Promise<T> => {
    const { stdout } = await run(process.execPath, [BIN, ...args, '--json'], { env, cwd: dir });
    return JSON.parse(stdout) as T;
  };
  await run(process.execPath, [BIN, 'migrate'], { env, cwd: dir });

  let exited = false;
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env,
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error('grantboard serve exited during start-up');
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('grantboard serve did not become healthy in 20 s');
    }
    await sleep(100);
  }
  return {
    url,
    databasePath,
    cli,
    async close() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([gone, sleep(5_000).then(() => child.kill('SIGKILL'))]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
