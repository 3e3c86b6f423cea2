import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from './errors.js';

/** Request parameters of an OAuth endpoint; each name at most once, empty values absent (RFC 6749 §3.1). */
export class OAuthParams {
  constructor(private readonly values: Map<string, string>) {}

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The value, or an `invalid_request` naming the missing parameter. */
  require(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new InvalidRequest(`Missing required parameter '${name}'.`);
    return value;
  }
}

const MAX_PARAMS = 32;

/**
 * Reads parameters from the query string and an `application/x-www-form-urlencoded` body together
 * (Miro's clients use either, or both), then rejects any parameter sent more than once, in either
 * place or across both (RFC 6749 §3.1, §3.2).
 */
export function readParams(request: FastifyRequest): OAuthParams {
  const url = request.raw.url ?? '';
  const mark = url.indexOf('?');
  const sources = [mark === -1 ? '' : url.slice(mark + 1)];
  const body = request.body;
  const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '');
  if (isForm && typeof body === 'string') sources.push(body);
  else if (body !== undefined && body !== null && body !== '') {
    throw new InvalidRequest('Send the parameters as application/x-www-form-urlencoded or in the query string.');
  }

  const values = new Map<string, string>();
  const seen = new Set<string>();
  let count = 0;
  for (const source of sources) {
    for (const [name, value] of new URLSearchParams(source)) {
      if (++count > MAX_PARAMS) throw new InvalidRequest('Too many parameters.');
      if (seen.has(name)) throw new InvalidRequest(`Parameter '${name}' is repeated.`);
      seen.add(name);
      if (value !== '') values.set(name, value);
    }
  }
  return new OAuthParams(values);
}
