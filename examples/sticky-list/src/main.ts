import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createStickyListServer } from './server.js';

/**
 * Starts the example next to a Grantboard server (default http://localhost:3000, as `npm start`
 * serves it). Settings: GRANTBOARD_URL, PORT (default 4100), EXAMPLE_URL, CLIENT_ID and
 * CLIENT_SECRET (without them, the demo app "Sticky List" that `npm start` seeds is looked up through
 * the `grantboard` command line, and its App URL and redirect URI are moved to this address if they
 * point elsewhere), ID_TOKEN_ISSUER.
 */
const grantboardUrl = process.env.GRANTBOARD_URL ?? 'http://localhost:3000';
const port = Number(process.env.PORT ?? 4100);
const publicUrl = process.env.EXAMPLE_URL ?? `http://localhost:${port}`;
/** What the board needs to know about the app: where it is, and where the install's code flow returns. */
const appUrl = `${publicUrl}/`;
const callbackUrl = `${publicUrl}/callback`;
const GRANTBOARD_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/server/bin/grantboard.js');

interface ShownApp {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  appUrl: string | null;
  sdkRedirectUri: string | null;
}

async function credentials(): Promise<{ clientId: string; clientSecret: string }> {
  const { CLIENT_ID, CLIENT_SECRET } = process.env;
  if (CLIENT_ID && CLIENT_SECRET) {
    console.log(
      `Using client ${CLIENT_ID}: register its App URL as ${appUrl} and its SDK redirect URI as ${callbackUrl}.`,
    );
    return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
  }
  const run = promisify(execFile);
  const grantboard = async <T>(...args: string[]) =>
    JSON.parse((await run(process.execPath, [GRANTBOARD_BIN, ...args, '--json'])).stdout) as T;
  const demo = (await grantboard<{ clientId: string; name: string }[]>('apps', 'list')).find(
    (app) => app.name === 'Sticky List',
  );
  if (!demo) {
    throw new Error(
      'No "Sticky List" app found: run `npm start` once (it seeds the demo data), or set CLIENT_ID and CLIENT_SECRET.',
    );
  }
  const shown = await grantboard<ShownApp>('apps', 'show', demo.clientId);
  if (!shown.clientSecret) throw new Error('The "Sticky List" app has no client secret.');
  if (shown.appUrl !== appUrl || shown.sdkRedirectUri !== callbackUrl) {
    // The board opens the App URL and the install returns to the SDK redirect URI: both must be here.
    await grantboard(
      'apps',
      'update',
      demo.clientId,
      ...[...new Set([callbackUrl, ...shown.redirectUris])].flatMap((uri) => ['--redirect-uri', uri]),
      '--app-url',
      appUrl,
      '--sdk-redirect-uri',
      callbackUrl,
    );
    console.log(
      `Moved the "Sticky List" app (client ${demo.clientId}) to ${appUrl} (it was at ${shown.appUrl ?? 'no App URL'}).`,
    );
  }
  return { clientId: demo.clientId, clientSecret: shown.clientSecret };
}

const { server } = createStickyListServer({
  grantboardUrl,
  publicUrl,
  ...(await credentials()),
  ...(process.env.ID_TOKEN_ISSUER ? { idTokenIssuer: process.env.ID_TOKEN_ISSUER } : {}),
});
server.listen(port, '127.0.0.1', () => {
  console.log(`Sticky List: ${publicUrl} (open a board on ${grantboardUrl} and run the app from its Apps panel)`);
  console.log(
    'Settings: PORT and EXAMPLE_URL (this address), GRANTBOARD_URL (the server), CLIENT_ID and CLIENT_SECRET.',
  );
});
