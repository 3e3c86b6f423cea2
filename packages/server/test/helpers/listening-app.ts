import { createServer } from 'node:net';
import type { Dialect } from '../../src/storage/database.js';
import { startTestApp, type TestApp } from './app.js';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The test app listening on a real loopback port, its issuer being that origin. */
export async function startListeningApp(
  dialect: Dialect,
  overrides: Record<string, string> = {},
  deps: Parameters<typeof startTestApp>[2] = {},
): Promise<TestApp & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await startTestApp(dialect, { PUBLIC_URL: url, ...overrides }, deps);
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, url };
}
