import type { ApiErrorBody } from '@grantboard/protocol';
import { ApiError } from './errors.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds from a `Retry-After` header, in either of its forms (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turns an error response of the REST API (Miro's `{status, code, message, type}` envelope) into an {@link ApiError}. */
export async function readApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const envelope = isRecord(body) ? (body as Partial<Record<keyof ApiErrorBody, unknown>>) : {};
  const code = typeof envelope.code === 'string' ? envelope.code : 'unknown';
  const message = typeof envelope.message === 'string' ? envelope.message : `the API answered HTTP ${response.status}`;
  const context = isRecord(envelope.context) ? envelope.context : undefined;
  return new ApiError(response.status, code, message, {
    context,
    retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
  });
}
