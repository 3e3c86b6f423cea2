import { createServer } from 'node:http';
import { join } from 'node:path';
import { GrantboardClient } from '@grantboard/client';
import { FileTokenStore } from '@grantboard/client/file';
import { createExampleApp } from './app.js';
import { registeredApp } from './setup.js';

/**
 * Starts the example against a Grantboard server (default http://localhost:3000, as `npm start`
 * serves it). Settings: GRANTBOARD_URL, PORT (default 4000), CLIENT_ID and CLIENT_SECRET (without
 * them the app registers itself on the local server through the `grantboard` command line).
 */
const grantboardUrl = process.env.GRANTBOARD_URL ?? 'http://localhost:3000';
const port = Number(process.env.PORT ?? 4000);
const publicUrl = process.env.EXAMPLE_URL ?? `http://localhost:${port}`;
const dataDir = process.env.EXAMPLE_DATA_DIR ?? join(process.cwd(), 'data');

const app = await registeredApp({ redirectUri: `${publicUrl}/callback`, dataDir });
const client = new GrantboardClient({
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  redirectUri: `${publicUrl}/callback`,
  authBaseUrl: grantboardUrl,
  apiBaseUrl: grantboardUrl,
  requireIssuer: true,
  store: new FileTokenStore({ path: join(dataDir, 'connect-board-tokens.json') }),
});

createServer(createExampleApp({ client })).listen(port, '127.0.0.1', () => {
  console.log(`Connect your board: ${publicUrl} (authorization server ${grantboardUrl})`);
  console.log(
    `Redirect URI: ${publicUrl}/callback. Settings: PORT and EXAMPLE_URL (this address), GRANTBOARD_URL (the server), CLIENT_ID and CLIENT_SECRET.`,
  );
});
