import type { FastifyRequest } from 'fastify';

/**
 * The access token of a resource request: `Authorization: Bearer` (RFC 6750 §2.1) or the
 * `access_token` query parameter Miro's docs show (RFC 6750 §2.3). The header wins when both are sent.
 * Returns undefined when there is none, and null when the header is present but malformed.
 */
export function readAccessToken(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    return match ? match[1] : null;
  }
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.access_token;
  if (fromQuery === undefined || fromQuery === '') return undefined;
  return typeof fromQuery === 'string' ? fromQuery : null;
}
