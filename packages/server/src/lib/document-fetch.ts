import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from './forbidden-addresses.js';

/** A small JSON document fetched from a URL a client named (an OAuth client metadata document). */
export interface FetchedDocument {
  status: number;
  body: string;
  /** `Cache-Control` of the response, if any. */
  cacheControl: string | undefined;
}

export type DocumentFetcher = (url: string) => Promise<FetchedDocument>;

/** Why a document could not be fetched; the message is fit to show the user. */
export class DocumentFetchError extends Error {}

export interface DocumentFetchOptions {
  /** Loopback, private and link-local addresses allowed (development and tests only). */
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  /** Extra trusted certificate authorities (PEM), for a test server's own certificate. */
  ca?: string;
}

/**
 * A DNS lookup that resolves every address of the host and refuses the connection when any of them
 * is forbidden, so a name that also points inside cannot be used (DNS rebinding within one lookup).
 * The socket connects to an address this check saw.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (addresses.length === 0 || (bad && !allowPrivate)) {
        return callback(
          new DocumentFetchError(`${hostname} resolves to an address Grantboard does not fetch from.`),
          '',
          0,
        );
      }
      const first = addresses[0]!;
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * Fetches a document over https only, within a size and a time limit, never from a forbidden
 * address (unless `allowPrivate`), never following redirects.
 */
export function documentFetcher(options: DocumentFetchOptions): DocumentFetcher {
  const lookup = guardedLookup(options.allowPrivate);
  return (target) =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return reject(new DocumentFetchError('The URL is not valid.'));
      }
      if (url.protocol !== 'https:') return reject(new DocumentFetchError('Only https URLs are fetched.'));
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      // An IP literal skips the lookup: it is checked here.
      if (isIP(literal) !== 0 && isForbiddenAddress(literal) && !options.allowPrivate) {
        return reject(new DocumentFetchError(`${url.hostname} is an address Grantboard does not fetch from.`));
      }
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(
          error instanceof DocumentFetchError ? error : new DocumentFetchError(`The fetch failed: ${error.message}`),
        );
      };
      const stop = (message: string) => {
        fail(new DocumentFetchError(message));
        req.destroy();
      };
      const req = request(
        url,
        {
          method: 'GET',
          lookup,
          headers: { accept: 'application/json', 'user-agent': 'Grantboard' },
          timeout: options.timeoutMs,
          ...(options.ca ? { ca: options.ca } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxBytes) return stop(`The document is larger than ${options.maxBytes} bytes.`);
            chunks.push(chunk);
          });
          response.on('end', () => {
            if (settled) return;
            settled = true;
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              cacheControl: response.headers['cache-control'],
            });
          });
          response.on('error', fail);
        },
      );
      // The whole exchange, not only idle time, is bounded: a document trickled byte by byte is cut off.
      const late = `The document took longer than ${options.timeoutMs} ms.`;
      const deadline = setTimeout(() => stop(late), options.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => stop(late));
      req.on('error', fail);
      req.end();
    });
}
