import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { seed, startTestApp, TEST_SECRET_KEY, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WINDOW_SECONDS = 5;
const BUDGET = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps until just after the next window starts, so a test's requests all fall in one window. */
async function startOfNextWindow(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  await sleep(windowMs - (Date.now() % windowMs) + 50);
}

interface Server {
  child: ChildProcess;
  base: string;
}

/** `grantboard serve` as its own process on a free port; resolves once it listens. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['packages/server/bin/grantboard.js', 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, base };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

describe.each(DIALECTS)('rate limits shared through Redis by two server processes on %s', (dialect) => {
  let db: TestDatabase;
  let servers: Server[] = [];
  let token: string;
  let boardPath: string;
  const prefix = `grantboard-test:${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    // The processes run the compiled server.
    execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'ignore' });
    db = await createTestDatabase(dialect);
    const config = testConfig({ DATABASE_URL: db.url });
    const repos = createRepositories(db.database.db);
    const services = createServices({ config, repos, clock: systemClock });
    const s = await seed(services);
    token = (
      await services.tokens.issue(s.nonExpiringApp, { userId: s.alice.id, teamId: s.teamId, scopes: ['boards:read'] })
    ).access_token;
    const board = await services.boards.create(
      { userId: s.alice.id, teamId: s.teamId, appId: s.nonExpiringApp.id },
      { name: 'Shared budget' },
    );
    boardPath = `/v2/boards/${encodeURIComponent(board.board.id)}`;
    const env = {
      DATABASE_URL: db.url,
      GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_CREDITS_PER_MINUTE: String(BUDGET),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    };
    servers = await Promise.all([startServer(env), startServer(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await db?.drop();
  });

  const get = (server: Server) =>
    fetch(`${server.base}${boardPath}`, { headers: { authorization: `Bearer ${token}` } });

  it('counts down one budget across both processes, refuses with 429, and recovers after the reset', async () => {
    await startOfNextWindow();
    const remaining: string[] = [];
    let reset = '';
    for (let i = 0; i < 10; i++) {
      const response = await get(servers[i % 2]!);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe(String(BUDGET));
      remaining.push(response.headers.get('x-ratelimit-remaining')!);
      reset = response.headers.get('x-ratelimit-reset')!;
    }
    // Level 1 costs 50: the two processes spend from one counter.
    expect(remaining).toEqual(['950', '900', '850', '800', '750', '700', '650', '600', '550', '500']);

    // 15 parallel requests, split between the processes: exactly 10 more fit.
    const burst = await Promise.all(Array.from({ length: 15 }, (_, i) => get(servers[i % 2]!)));
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const refused = burst.find((response) => response.status === 429)!;
    expect(await refused.json()).toMatchObject({ status: 429, code: 'tooManyRequests', type: 'error' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(reset);
    for (const server of servers) expect((await get(server)).status).toBe(429);

    await sleep(Number(reset) * 1000 - Date.now() + 100);
    const recovered = await get(servers[1]!);
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-ratelimit-remaining')).toBe(String(BUDGET - 50));
  }, 30_000);
});

describe('a Redis that cannot be reached', () => {
  it('lets requests through with the full budget rather than failing the API', async () => {
    const t = await startTestApp('sqlite', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const { access_token } = await t.services.tokens.issue(t.seed.nonExpiringApp, {
        userId: t.seed.alice.id,
        teamId: t.seed.teamId,
        scopes: ['boards:read'],
      });
      const response = await t.app.inject({
        method: 'GET',
        url: '/v2/boards',
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-remaining']).toBe('100000');
    } finally {
      await t.close();
    }
  });
});
