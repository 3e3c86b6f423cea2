import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackages, REPO_ROOT } from './support/build.js';
import { freePort, type GrantboardServer, startGrantboard } from './support/grantboard-server.js';

/**
 * The examples (examples/connect-board, examples/sticky-list) started as their READMEs say, on a
 * port of the user's choosing next to a Grantboard server with the demo data: their addresses, and
 * what they register, follow their own PORT.
 */

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'packages/server/bin/grantboard.js');
const SECRET_KEY = randomBytes(32).toString('hex');

let server: GrantboardServer;
let dataDir: string;
const examples: ChildProcess[] = [];

beforeAll(async () => {
  await buildPackages(['packages/server', 'packages/client', 'examples/connect-board', 'examples/sticky-list']);
  server = await startGrantboard({ GRANTBOARD_SECRET_KEY: SECRET_KEY });
  dataDir = await mkdtemp(join(tmpdir(), 'gb-example-ports-'));
  await run(process.execPath, [BIN, 'demo'], { env: serverEnv() });
}, 120_000);

afterAll(async () => {
  for (const child of examples) child.kill();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What the examples' `grantboard` command-line calls need to reach the server's database. */
function serverEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: `sqlite:${server.databasePath}`,
    GRANTBOARD_SECRET_KEY: SECRET_KEY,
    PUBLIC_URL: server.url,
  };
}

/** Starts an example and resolves with its output once it prints `ready`; rejects if it exits first. */
function startExample(main: string, env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = spawn(process.execPath, [join(REPO_ROOT, main)], {
    env: { ...serverEnv(), GRANTBOARD_URL: server.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  examples.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) resolve(output);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`${main} exited with ${code}:\n${output}`)));
  });
}

describe('the examples on a port of your choosing', { timeout: 60_000 }, () => {
  it('Sticky List moves the demo app to its own address and says what to set', async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const output = await startExample('examples/sticky-list/dist/main.js', { PORT: String(port) }, /Settings: .*\n/);
    expect(output).toContain(`Sticky List: ${origin} (open a board on ${server.url}`);
    expect(output).toMatch(
      /Moved the "Sticky List" app \(client \d+\) to http:\/\/localhost:\d+\/ \(it was at http:\/\/localhost:4100\/\)/,
    );
    expect(output).toContain('Settings: PORT and EXAMPLE_URL (this address), GRANTBOARD_URL (the server)');

    const apps = await server.cli<{ clientId: string; name: string }[]>('apps', 'list');
    const stickyList = apps.find((app) => app.name === 'Sticky List')!;
    const shown = await server.cli<{ appUrl: string; sdkRedirectUri: string; redirectUris: string[] }>(
      'apps',
      'show',
      stickyList.clientId,
    );
    expect(shown).toMatchObject({ appUrl: `${origin}/`, sdkRedirectUri: `${origin}/callback` });
    expect(shown.redirectUris).toContain(`${origin}/callback`);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors ${server.url}`);
  });

  it('Connect your board registers the redirect URI on its own port and prints it', async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const output = await startExample(
      'examples/connect-board/dist/main.js',
      { PORT: String(port), EXAMPLE_DATA_DIR: dataDir },
      /Settings: .*\n/,
    );
    expect(output).toContain(`Connect your board: ${origin} (authorization server ${server.url})`);
    expect(output).toContain(`Redirect URI: ${origin}/callback. Settings: PORT and EXAMPLE_URL`);

    const connect = await fetch(`http://127.0.0.1:${port}/connect`, { redirect: 'manual' });
    expect(connect.status).toBe(303);
    const authorize = new URL(connect.headers.get('location')!);
    expect(authorize.origin).toBe(server.url);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/callback`);
    // Grantboard accepts the request (it asks the user to sign in) instead of refusing the redirect URI.
    const signIn = await fetch(authorize, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toMatch(/^\/signin\?/);
  });
});
