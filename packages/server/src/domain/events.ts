import { randomBytes } from 'node:crypto';
import type { OutboxEvent } from '../storage/outbox.js';

/** The events an organization's webhook endpoints receive (docs/webhooks.md). */
export const EVENT_TYPES = [
  'app.installed',
  'app.uninstalled',
  'authorization.granted',
  'authorization.revoked',
  'app.secret_rotated',
  'refresh_token.reuse_detected',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** What an event's `data` may hold: ids, names, scopes and counts — never a token or a secret. */
type EventData = Record<string, string | number | string[] | null | Record<string, string | null>>;

/** A Standard Webhooks message id: `msg_` and 128 random bits. */
export function messageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * An outbox event in the Standard Webhooks payload shape: `{type, timestamp, data}`. `teamId` is
 * where it happened; its organization's endpoints receive it.
 */
export function outboxEvent(type: EventType, teamId: string, at: number, data: EventData): OutboxEvent {
  const payload = JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
  return { id: messageId(), type, payload, createdAt: at, teamId };
}
