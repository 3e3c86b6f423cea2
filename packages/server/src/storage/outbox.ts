import { type Kysely, sql } from 'kysely';
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

/**
 * Writes events and their deliveries, one per endpoint of the team's organization, inside the
 * caller's transaction. An organization without endpoints gets no row: the statements match nothing.
 */
export async function writeOutbox(trx: Kysely<Tables>, events: readonly OutboxEvent[]): Promise<void> {
  for (const event of events) {
    const inserted = await trx
      .insertInto('webhook_events')
      .columns(['id', 'organization_id', 'type', 'payload', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('teams as t')
          .select([
            sql<string>`${event.id}`.as('id'),
            't.organization_id',
            sql<string>`${event.type}`.as('type'),
            sql<string>`${event.payload}`.as('payload'),
            sql<number>`cast(${event.createdAt} as bigint)`.as('created_at'),
          ])
          .where('t.id', '=', event.teamId)
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('webhook_endpoints as e')
                .select('e.id')
                .whereRef('e.organization_id', '=', 't.organization_id'),
            ),
          ),
      )
      .returning('id')
      .execute();
    if (inserted.length === 0) continue;
    await trx
      .insertInto('webhook_deliveries')
      .columns(['id', 'event_id', 'endpoint_id', 'status', 'attempts', 'next_attempt_at', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('webhook_endpoints as e')
          .innerJoin('teams as t', 't.organization_id', 'e.organization_id')
          .select([
            sql<string>`${event.id} || '.' || e.id`.as('id'),
            sql<string>`${event.id}`.as('event_id'),
            'e.id as endpoint_id',
            sql<'pending'>`'pending'`.as('status'),
            sql<number>`0`.as('attempts'),
            sql<number>`cast(${event.createdAt} as bigint)`.as('next_attempt_at'),
            sql<number>`cast(${event.createdAt} as bigint)`.as('created_at'),
          ])
          .where('t.id', '=', event.teamId),
      )
      .execute();
  }
}
