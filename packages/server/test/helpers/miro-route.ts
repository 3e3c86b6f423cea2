import { createRequire } from 'node:module';

/**
 * The official client hard-codes its token endpoint to https://api.miro.com; it calls node-fetch
 * through `require('node-fetch').default` on every request, so the test points that at the local
 * server and refuses anything that is not loopback.
 */
export function routeMiroClientTo(base: string): { requests: string[]; restore(): void } {
  const require = createRequire(createRequire(import.meta.url).resolve('@mirohq/miro-api'));
  const nodeFetch = require('node-fetch');
  const real = nodeFetch.default;
  const requests: string[] = [];
  nodeFetch.default = (url: string | URL, init: unknown) => {
    const rewritten = String(url).replace(/^https:\/\/api\.miro\.com/, base);
    const { hostname } = new URL(rewritten);
    if (hostname !== '127.0.0.1') throw new Error(`refusing non-loopback request to ${hostname}`);
    requests.push(`${((init as { method?: string })?.method ?? 'GET').toUpperCase()} ${new URL(rewritten).pathname}`);
    return real(rewritten, init);
  };
  return { requests, restore: () => (nodeFetch.default = real) };
}
