import { type LookupAddress, lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AttemptResult } from '../domain/webhook-service.js';
import { webhookUrlProblem } from '../domain/webhook-url.js';
import { isForbiddenAddress } from '../lib/forbidden-addresses.js';

/**
 * Resolves a host name as usual, but refuses one that resolves to a private address: in production
 * a webhook must not reach the server's own network, whatever its DNS says at delivery time
 * (docs/security.md, SSRF).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const refused = addresses.find((a) => isForbiddenAddress(a.address));
    if (refused || addresses.length === 0) {
      const blocked = Object.assign(new Error('the host resolves to a private address'), { code: 'EPRIVATEADDRESS' });
      return callback(blocked, '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs one signed message. Redirects are not followed (a 3xx is a failed attempt), the answer's body
 * is read and dropped, and the error recorded names what went wrong without the URL.
 */
export function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: { production: boolean; timeoutMs: number },
): Promise<AttemptResult> {
  const { production } = options;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const problem = webhookUrlProblem(rawUrl, production);
  if (problem) return Promise.resolve({ statusCode: null, error: `refused: the URL ${problem}`, durationMs: 0 });
  const url = new URL(rawUrl);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Grantboard-Webhooks/1',
        },
        timeout: options.timeoutMs,
        ...(production ? { lookup: publicOnlyLookup } : {}),
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve({ statusCode: status, error: ok ? null : `HTTP ${status}`, durationMs: elapsed() });
        });
        response.on('error', () =>
          resolve({ statusCode: status(response), error: 'answer cut off', durationMs: elapsed() }),
        );
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ statusCode: null, error: error.code ?? 'connection failed', durationMs: elapsed() }),
    );
    request.end(body);
  });
}

function status(response: http.IncomingMessage): number | null {
  return response.statusCode ?? null;
}
