import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { PASSWORD, seed, TEST_SECRET_KEY, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';

const BIN = fileURLToPath(new URL('../bin/grantboard.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** `grantboard serve` as its own process on the shared database. */
async function serveProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: databaseUrl,
      GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('grantboard serve did not become ready');
}

/** A cookie jar for `fetch`, one origin-agnostic bag (the processes share one site). */
class Jar {
  readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!);
      else this.cookies.set(name!, value);
    }
  }
  get header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

async function request(jar: Jar, url: string, form?: Record<string, string>): Promise<Response> {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar.take(response);
  return response;
}

const csrfIn = async (response: Response) => /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';

/** Sessions and sign-in throttling hold across separate server processes sharing one database. */
describe.each(DIALECTS)('web sessions across server processes on %s', (dialect) => {
  let db: TestDatabase;
  let a: { url: string; child: ChildProcess };
  let b: { url: string; child: ChildProcess };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const config = testConfig({ DATABASE_URL: db.url });
    await seed(createServices({ config, repos: createRepositories(db.database.db), clock: systemClock }));
    [a, b] = await Promise.all([serveProcess(db.url), serveProcess(db.url)]);
  });
  afterAll(async () => {
    for (const p of [a, b]) {
      if (p && p.child.exitCode === null) {
        const exited = new Promise((resolve) => p.child.once('exit', resolve));
        p.child.kill('SIGTERM');
        await exited;
      }
    }
    await db?.drop();
  });

  it('signs in on one process and is signed in on the other; signs out everywhere at once', async () => {
    const jar = new Jar();
    const csrf = await csrfIn(await request(jar, `${a.url}/signin`));
    const signedIn = await request(jar, `${a.url}/signin`, { csrf, email: 'alice@example.com', password: PASSWORD });
    expect(signedIn.status).toBe(303);
    const home = await request(jar, `${b.url}/`);
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain('Hello, Alice');
    const sessionCsrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect((await request(jar, `${b.url}/signout`, { csrf: sessionCsrf })).status).toBe(303);
    const cookie = `gb_session=${/gb_session=([^;]+)/.exec(signedIn.headers.getSetCookie().join(';'))?.[1]}`;
    const replay = await fetch(`${a.url}/`, { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(303);
  });

  it('counts failed sign-ins across processes', async () => {
    const jar = new Jar();
    const csrf = await csrfIn(await request(jar, `${a.url}/signin`));
    for (let i = 0; i < 5; i++) {
      const target = i % 2 === 0 ? a.url : b.url;
      const failed = await request(jar, `${target}/signin`, { csrf, email: 'bob@example.com', password: 'wrong' });
      expect(failed.status).toBe(401);
    }
    const locked = await request(jar, `${b.url}/signin`, { csrf, email: 'bob@example.com', password: PASSWORD });
    expect(locked.status).toBe(429);
  });

  it('checks at most five of twelve parallel wrong passwords split across the two processes', async () => {
    const jar = new Jar();
    const csrf = await csrfIn(await request(jar, `${a.url}/signin`));
    const email = 'alice@example.com';
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(jar, `${i % 2 === 0 ? a.url : b.url}/signin`, { csrf, email, password: 'wrong' }).then((r) => r.status),
      ),
    );
    expect(answers.filter((s) => s === 401)).toHaveLength(5);
    expect(answers.filter((s) => s === 429)).toHaveLength(7);
    expect((await request(jar, `${a.url}/signin`, { csrf, email, password: PASSWORD })).status).toBe(429);
  });
});
