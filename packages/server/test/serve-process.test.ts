import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from './helpers/app.js';
import { startServerProcess } from './helpers/server-process.js';

/**
 * `grantboard serve` as an operator runs it: a separate process on a free port, stopped with a
 * signal (docs/operations.md, "Health, readiness, shutdown").
 */

const BIN = fileURLToPath(new URL('../bin/grantboard.js', import.meta.url));

describe('grantboard serve', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantboard-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let databases = 0;
  const freshDatabase = () => join(dir, `serve-${++databases}`, 'gb.db');

  function cli(databasePath: string, args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args, '--json'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `sqlite:${databasePath}`,
        GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY,
      },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  }

  /** A confidential app, registered through the command line before the server starts. */
  function registerApp(databasePath: string): { clientId: string; clientSecret: string } {
    const user = cli(databasePath, [
      'users',
      'create',
      '--email',
      'ops@example.com',
      '--password',
      'long enough',
      '--name',
      'Ops',
    ]);
    const team = cli(databasePath, ['teams', 'create', '--name', 'Ops']);
    cli(databasePath, ['teams', 'add-member', '--team', team.id, '--user', user.id, '--role', 'admin']);
    return cli(databasePath, [
      'apps',
      'create',
      '--name',
      'Probe',
      '--team',
      team.id,
      '--redirect-uri',
      'https://probe.example/cb',
      '--scopes',
      'boards:read',
      '--expiring',
    ]);
  }

  /** Whether a new TCP connection to the port is refused. */
  function refused(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
  }

  async function readResponse(socket: Socket): Promise<string> {
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    await once(socket, 'end');
    return response;
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s stops accepting connections, lets the request in flight finish, closes the database and exits 0',
    async (signal) => {
      const databasePath = freshDatabase();
      const app = registerApp(databasePath);
      const server = await startServerProcess({ DATABASE_URL: `sqlite:${databasePath}` });
      const port = Number(new URL(server.url).port);

      // An introspection request whose body arrives slowly: headers and half of the body now, the rest
      // after the signal. The server must wait for it and still reach the database to answer it.
      const body = new URLSearchParams({
        token: 'not-a-token-this-server-issued',
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }).toString();
      const slow = connect(port, '127.0.0.1');
      await once(slow, 'connect');
      const response = readResponse(slow);
      slow.write(
        `POST /oauth/introspect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`,
      );
      await server.waitForOutput(/"url":"\/oauth\/introspect"/);

      const exit = server.stop(signal);
      await server.waitForOutput(/shutting down/);
      // The listening socket closes right after the log line; wait for that, not for a set time.
      let closed = false;
      for (let attempt = 0; attempt < 200 && !closed; attempt++) {
        closed = await refused(port);
        if (!closed) await sleep(25);
      }
      expect(closed).toBe(true);
      expect(server.child.exitCode).toBeNull();

      slow.end(body.slice(20));
      const raw = await response;
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('{"active":false}');

      expect(await exit).toEqual({ code: 0, signal: null });
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; signal?: string });
      const shutdown = lines.findIndex((l) => l.msg.startsWith('shutting down') && l.signal === signal);
      const stopped = lines.findIndex((l) => l.msg === 'stopped' && l.signal === signal);
      expect(shutdown).toBeGreaterThan(-1);
      expect(stopped).toBeGreaterThan(shutdown);
      // SQLite removes the write-ahead log when the last connection closes: the database was closed.
      expect(existsSync(`${databasePath}-wal`)).toBe(false);
    },
  );

  it('closes a request held open past SHUTDOWN_TIMEOUT_SECONDS, says so, and exits 1', async () => {
    const databasePath = freshDatabase();
    const server = await startServerProcess({ DATABASE_URL: `sqlite:${databasePath}`, SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const port = Number(new URL(server.url).port);
    // A form whose body never arrives in full: the request stays in flight for ever.
    const held = connect(port, '127.0.0.1');
    await once(held, 'connect');
    const response = readResponse(held);
    held.write(
      `POST /oauth/introspect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ntoken=`,
    );
    await server.waitForOutput(/"url":"\/oauth\/introspect"/);

    const exit = server.stop('SIGTERM');
    await server.waitForOutput(/shutdown deadline passed/);
    // The server closed the connection without answering.
    expect(await response).toBe('');
    expect(await exit).toEqual({ code: 1, signal: null });
    const deadline = server
      .output()
      .split('\n')
      .find((line) => line.includes('shutdown deadline passed'));
    expect(JSON.parse(deadline!)).toMatchObject({
      level: 50,
      signal: 'SIGTERM',
      timeoutSeconds: 1,
      openConnections: 1,
      msg: 'shutdown deadline passed: closing the connections still open',
    });
    // The database was still closed properly after the connections.
    expect(existsSync(`${databasePath}-wal`)).toBe(false);
  });

  it('starts and stops as the release check runs it: exit code 0 and nothing that looks like an error', async () => {
    const server = await startServerProcess({
      DATABASE_URL: `sqlite:${freshDatabase()}`,
      NODE_ENV: 'development',
      // No server key and the default log level, as on a developer's machine.
      GRANTBOARD_SECRET_KEY: '',
      LOG_LEVEL: '',
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('"msg":"stopped"');
    expect(server.output()).not.toMatch(/"level":(50|60)|error|cannot/i);
  });

  it('warns at start in production when GET /metrics is open to anyone', async () => {
    const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.test' };
    const open = await startServerProcess({ ...production, DATABASE_URL: `sqlite:${freshDatabase()}` });
    const metrics = await fetch(`${open.url}/metrics`);
    expect(metrics.status).toBe(200);
    await open.stop();
    const warning = open
      .output()
      .split('\n')
      .find((line) => line.includes('METRICS_TOKEN is not set'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 40 });

    const guarded = await startServerProcess({
      ...production,
      DATABASE_URL: `sqlite:${freshDatabase()}`,
      METRICS_TOKEN: 'a-long-scrape-token',
    });
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    await guarded.stop();
    expect(guarded.output()).not.toContain('METRICS_TOKEN');

    const development = await startServerProcess({ DATABASE_URL: `sqlite:${freshDatabase()}` });
    await development.stop();
    expect(development.output()).not.toContain('METRICS_TOKEN');
  });
});
