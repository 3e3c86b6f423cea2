import type { FastifyRequest } from 'fastify';

/** The fields of a posted HTML form (the body arrives as the raw urlencoded string). */
export function formFields(request: FastifyRequest): URLSearchParams {
  return new URLSearchParams(typeof request.body === 'string' ? request.body : '');
}

/**
 * A same-site path to return to after sign-in; anything else (absolute URLs, `//host`, backslashes)
 * falls back to `/`, so the sign-in page is never an open redirector (RFC 9700 §4.11).
 */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return /^[\x21-\x7e]+$/.test(value) ? value : '/';
}
