import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * "Bare": a board app whose App URL only loads the SDK from Miro's path on the Grantboard server,
 * so a test can call `miro.board.…` in its headless frame as an app's own script would. `/tile.png`
 * is a picture on the app's origin.
 */
export async function bareAppServer(grantboard: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare</title>
<script src="${grantboard}/app/static/sdk/v2/miro.js"></script></head><body></body></html>`;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `frame-ancestors ${grantboard}`,
    });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
