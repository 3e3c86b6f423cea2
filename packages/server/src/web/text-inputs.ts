import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../domain/errors.js';

/**
 * The longest query value or path parameter a page takes. An authorization request's `state` is
 * the longest an honest client sends; a URL is at most 16 KiB anyway (Node's header limit).
 */
export const MAX_QUERY_VALUE_LENGTH = 4096;

/** Text the web surface refuses before any handler sees it; each surface's error handler renders it. */
export class InvalidTextError extends ValidationError {}

// A UTF-16 surrogate without its partner: no Unicode character, and no UTF-8 encoding.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one value, or undefined. */
function problemOf(value: string, maxLength: number | undefined): string | undefined {
  // PostgreSQL text cannot hold NUL; no field of a page means one.
  if (value.includes('\u0000')) return 'a NUL character';
  if (LONE_SURROGATE.test(value)) return 'a broken Unicode character (a lone surrogate)';
  if (maxLength !== undefined && value.length > maxLength) return `more than ${maxLength} characters`;
  return undefined;
}

const shown = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name).replace(/[^\x20-\x7e]/g, '?');

function check(where: string, name: string, value: string, maxLength?: number): void {
  const problem = problemOf(name, maxLength) ?? problemOf(value, maxLength);
  if (problem) throw new InvalidTextError(`The ${where} '${shown(name)}' has ${problem}.`);
}

/** Every string in a parsed JSON body, with the name of the field it sits in. */
function* strings(value: unknown, name: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [name, value];
  else if (Array.isArray(value)) for (const v of value) yield* strings(v, name);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      yield [key, key];
      yield* strings(v, key);
    }
  }
}

/**
 * The web surface's one check of incoming text (a `preValidation` hook, so bodies are parsed):
 * every query value, path parameter and form or JSON field must be text PostgreSQL and the pages
 * can hold — no NUL, no lone surrogate — and query values and parameters of a sane length.
 * Anything else is a 400 in the scope's own error shape, never a 500 from the database.
 */
export async function refuseInvalidText(request: FastifyRequest): Promise<void> {
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') check('query parameter', name, v, MAX_QUERY_VALUE_LENGTH);
    }
  }
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') check('path parameter', name, value, MAX_QUERY_VALUE_LENGTH);
  }
  const body = request.body;
  if (typeof body === 'string') {
    for (const [name, value] of new URLSearchParams(body)) check('form field', name, value);
  } else if (typeof body === 'object' && body !== null) {
    for (const [name, value] of strings(body, '')) check('field', name, value);
  }
}
