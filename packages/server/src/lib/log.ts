import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

/** Query and form parameters whose values are secrets, tokens or codes. */
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'client_secret',
  'token',
  'password',
  'state',
  'csrf',
  'assertion',
]);

/**
 * The URL with the values of secret parameters replaced, fit for a log line. A parameter that holds
 * a URL of its own (the sign-in page's `return_to` carries the whole authorization request) is
 * redacted the same way, a few levels deep.
 */
export function redactUrl(url: string, depth = 3): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  for (const name of new Set(params.keys())) {
    if (SECRET_PARAMS.has(name.toLowerCase())) params.set(name, '[redacted]');
    else if (depth > 0 && params.getAll(name).some((value) => value.includes('?'))) {
      const values = params.getAll(name).map((value) => redactUrl(value, depth - 1));
      params.delete(name);
      for (const value of values) params.append(name, value);
    }
  }
  return `${url.slice(0, mark)}?${params.toString().replaceAll('%5Bredacted%5D', '[redacted]')}`;
}

/**
 * pino options: request URLs lose secret parameter values, and credential headers never reach the
 * log (tokens, codes, secrets and passwords are redacted; RFC 9700 §4.10.2 treats tokens as secrets).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.client_secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
