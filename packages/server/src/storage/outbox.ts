import { type Kysely, sql } from 'kysely';
import { prepareForAny } from './prepared.js';
import type { Tables } from './schema.js';

/**
 * An event for the webhook outbox (ARCHITECTURE.md decision 21). The domain builds it; the
 * repository that makes the change writes it in the same transaction, so an event exists exactly
 * when the change it reports was committed.
 */
export interface OutboxEvent {
  /** The Standard Webhooks message id (`webhook-id`). */
  id: string;
  type: string;
  /** The JSON body, as sent. */
  payload: string;
  createdAt: number;
  /** The team the event happened in: its organization's endpoints receive it. */
  teamId: string;
}

const insertEvent = prepareForAny((db, id: string, type: string, payload: string, createdAt: number, teamId: string) =>
  db
    .insertInto('webhook_events')
    .columns(['id', 'organization_id', 'type', 'payload', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('teams as t')
        .select([
          sql<string>`${id}`.as('id'),
          't.organization_id',
          sql<string>`${type}`.as('type'),
          sql<string>`${payload}`.as('payload'),
          sql<number>`cast(${createdAt} as bigint)`.as('created_at'),
        ])
        .where('t.id', '=', teamId)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.organization_id', '=', 't.organization_id'),
          ),
        ),
    )
    .returning('id'),
);

const insertDeliveries = prepareForAny((db, eventId: string, createdAt: number, teamId: string) =>
  db
    .insertInto('webhook_deliveries')
    .columns(['id', 'event_id', 'endpoint_id', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhook_endpoints as e')
        .innerJoin('teams as t', 't.organization_id', 'e.organization_id')
        .select([
          sql<string>`${eventId} || '.' || e.id`.as('id'),
          sql<string>`${eventId}`.as('event_id'),
          'e.id as endpoint_id',
          sql<'pending'>`'pending'`.as('status'),
          sql<number>`0`.as('attempts'),
          sql<number>`cast(${createdAt} as bigint)`.as('next_attempt_at'),
          sql<number>`cast(${createdAt} as bigint)`.as('created_at'),
        ])
        .where('t.id', '=', teamId),
    ),
);

/**
 * Writes events and their deliveries, one per endpoint of the team's organization, inside the
 * caller's transaction. An organization without endpoints gets no row: the statements match nothing.
 * Prepared once per dialect: a token grant writes one on every code exchange.
 */
export async function writeOutbox(trx: Kysely<Tables>, events: readonly OutboxEvent[]): Promise<void> {
  for (const event of events) {
    const inserted = await insertEvent(trx, event.id, event.type, event.payload, event.createdAt, event.teamId);
    if (inserted.rows.length === 0) continue;
    await insertDeliveries(trx, event.id, event.createdAt, event.teamId);
  }
}
