import { createRequire } from 'node:module';

/**
 * The official client posts its token requests to https://api.miro.com, through
 * `require('node-fetch').default`; pointing that at the local server is the one way in (the same
 * shim as the server's tests, packages/server/test/helpers/miro-route.ts). Anything that is not
 * loopback is refused.
 */
export function routeMiroClientTo(base: string): { restore(): void } {
  const require = createRequire(createRequire(import.meta.url).resolve('@mirohq/miro-api'));
  const nodeFetch = require('node-fetch');
  const real = nodeFetch.default;
  nodeFetch.default = (url: string | URL, init: unknown) => {
    const rewritten = String(url).replace(/^https:\/\/api\.miro\.com/, base);
    if (new URL(rewritten).hostname !== '127.0.0.1') throw new Error(`refusing a request to ${rewritten}`);
    return real(rewritten, init);
  };
  return { restore: () => (nodeFetch.default = real) };
}
