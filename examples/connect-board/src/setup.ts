import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GRANTBOARD_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/server/bin/grantboard.js');

/** The app's OAuth credentials. */
export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
}

/**
 * CLIENT_ID and CLIENT_SECRET from the environment; otherwise the app registered on an earlier
 * run (kept in the data folder); otherwise a new registration on the local server's database, in
 * the team of the demo apps that `npm start` seeds.
 */
export async function registeredApp(options: { redirectUri: string; dataDir: string }): Promise<RegisteredApp> {
  const { CLIENT_ID, CLIENT_SECRET } = process.env;
  if (CLIENT_ID && CLIENT_SECRET) return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
  const saved = join(options.dataDir, 'connect-board-app.json');
  try {
    const app = JSON.parse(await readFile(saved, 'utf8')) as RegisteredApp & { redirectUri?: string };
    if (app.redirectUri === options.redirectUri) return app;
  } catch {
    // Not registered yet.
  }
  const grantboard = async <T>(...args: string[]) =>
    JSON.parse((await run(process.execPath, [GRANTBOARD_BIN, ...args, '--json'])).stdout) as T;
  const apps = await grantboard<{ teamId: string }[]>('apps', 'list');
  const teamId = apps[0]?.teamId;
  if (!teamId)
    throw new Error(
      'No team found: run `npm start` once (it seeds the demo data), or set CLIENT_ID and CLIENT_SECRET.',
    );
  const created = await grantboard<RegisteredApp>(
    'apps',
    'create',
    '--name',
    'Connect your board (example)',
    '--team',
    teamId,
    '--redirect-uri',
    options.redirectUri,
    '--scopes',
    'boards:read boards:write',
    '--expiring',
  );
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await writeFile(saved, JSON.stringify({ ...created, redirectUri: options.redirectUri }), { mode: 0o600 });
  console.log(`Registered the example app as client ${created.clientId} in team ${teamId}.`);
  return created;
}
