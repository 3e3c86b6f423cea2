import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Tables, WebhookDeliveryStatus } from '../schema.js';

/** An organization's webhook endpoint; the signing secret stays sealed. */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  secretSealed: string;
  createdBy: string;
  createdAt: number;
}

/** A delivery a worker holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  /** This attempt's number, from 1. */
  attempt: number;
  eventId: string;
  eventType: string;
  payload: string;
  endpointId: string;
  url: string;
  secretSealed: string;
}

/** How an attempt ended, and what becomes of the delivery. */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  /** When to try again (status `pending`). */
  nextAttemptAt: number;
  at: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One line of the delivery log. */
export interface DeliveryLogEntry {
  at: number;
  attempt: number;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The delivery's state now: delivered, pending (a retry is due) or failed (no more retries). */
  deliveryStatus: WebhookDeliveryStatus;
}

export function webhooksRepository(db: Kysely<Tables>) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: endpoint.id,
          organization_id: endpoint.organizationId,
          url: endpoint.url,
          secret_sealed: endpoint.secretSealed,
          created_by: endpoint.createdBy,
          created_at: endpoint.createdAt,
        })
        .execute();
    },

    async endpoints(organizationId: string): Promise<WebhookEndpoint[]> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organization_id,
        url: r.url,
        secretSealed: r.secret_sealed,
        createdBy: r.created_by,
        createdAt: r.created_at,
      }));
    },

    /** Removes an endpoint of the organization, with its pending deliveries and log; false if there is none. */
    async removeEndpoint(organizationId: string, endpointId: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const deliveries = trx.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', endpointId);
        const owned = await trx
          .selectFrom('webhook_endpoints')
          .select('id')
          .where('id', '=', endpointId)
          .where('organization_id', '=', organizationId)
          .executeTakeFirst();
        if (!owned) return false;
        await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute();
        await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', endpointId).execute();
        await trx.deleteFrom('webhook_endpoints').where('id', '=', endpointId).execute();
        return true;
      });
    },

    /**
     * Leases up to `limit` due deliveries to `owner` until `now + leaseMs`, counting the attempt.
     * PostgreSQL: the candidates are locked `FOR UPDATE SKIP LOCKED`, so concurrent workers take
     * different rows without waiting. SQLite: one writer at a time, and the update repeats the
     * lease condition, so it is a compare-and-set either way: a delivery is held by one worker at a time.
     */
    async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
      const due = () => {
        const query = db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('next_attempt_at')
          .limit(limit);
        return postgres ? query.forUpdate().skipLocked() : query;
      };
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set({ lease_owner: owner, lease_until: now + leaseMs, attempts: sql<number>`attempts + 1` })
        .where('id', 'in', due())
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .returning('id')
        .execute();
      if (claimed.length === 0) return [];
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select([
          'd.id',
          'd.attempts',
          'ev.id as eventId',
          'ev.type as eventType',
          'ev.payload',
          'e.id as endpointId',
          'e.url',
          'e.secret_sealed as secretSealed',
        ])
        .where(
          'd.id',
          'in',
          claimed.map((c) => c.id),
        )
        .where('d.lease_owner', '=', owner)
        .orderBy('d.next_attempt_at')
        .execute();
      return rows.map(({ attempts, ...row }) => ({ ...row, attempt: attempts }));
    },

    /**
     * Records an attempt and what follows, if `owner` still holds the lease (one that ran out and
     * was taken over is not written twice); false otherwise.
     */
    async finish(deliveryId: string, owner: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: outcome.status,
            next_attempt_at: outcome.nextAttemptAt,
            lease_owner: null,
            lease_until: null,
            last_status: outcome.statusCode,
            last_error: outcome.error,
            delivered_at: outcome.status === 'delivered' ? outcome.at : null,
          })
          .where('id', '=', deliveryId)
          .where('lease_owner', '=', owner)
          .where('attempts', '=', attempt)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return false;
        await trx
          .insertInto('webhook_attempts')
          .values({
            id: `${deliveryId}.${attempt}`,
            delivery_id: deliveryId,
            attempt,
            at: outcome.at,
            status_code: outcome.statusCode,
            error: outcome.error,
            duration_ms: outcome.durationMs,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return true;
      });
    },

    /** The organization's latest attempts, newest first. */
    async log(organizationId: string, limit: number): Promise<DeliveryLogEntry[]> {
      const rows = await db
        .selectFrom('webhook_attempts as a')
        .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
        .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select([
          'a.at',
          'a.attempt',
          'ev.id as eventId',
          'ev.type as eventType',
          'e.id as endpointId',
          'e.url',
          'a.status_code as statusCode',
          'a.error',
          'a.duration_ms as durationMs',
          'd.status as deliveryStatus',
        ])
        .where('e.organization_id', '=', organizationId)
        .orderBy('a.at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(limit)
        .execute();
      return rows;
    },

    /** Deletes events whose deliveries are all settled, older than `before`; returns how many. */
    async sweep(before: number): Promise<number> {
      const settled = await db
        .deleteFrom('webhook_events')
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('webhook_deliveries as d')
                .select('d.id')
                .whereRef('d.event_id', '=', 'webhook_events.id')
                .where('d.status', '=', 'pending'),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(settled.numDeletedRows);
    },
  };
}
