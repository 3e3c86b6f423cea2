import type { Kysely, Selectable } from 'kysely';
import { numericId } from '../../lib/ids.js';
import type { AuditEventsTable, Tables } from '../schema.js';

export type AuditEventRow = Selectable<AuditEventsTable>;

/** Security events worth a record: who, what, when. Details never hold a secret. */
export type AuditEventType =
  | 'app_installed'
  | 'app_uninstalled'
  | 'token_revoked'
  | 'refresh_token_reuse_detected'
  | 'authorization_code_replay_detected'
  | 'client_secret_rotated'
  | 'app_created'
  | 'app_updated';

export interface AuditEvent {
  type: AuditEventType;
  at: number;
  actorId?: string | null;
  teamId?: string | null;
  appId?: string | null;
  userId?: string | null;
  detail?: Record<string, unknown>;
}

export function auditRepository(db: Kysely<Tables>) {
  return {
    async record(event: AuditEvent): Promise<void> {
      await db
        .insertInto('audit_events')
        .values({
          id: numericId(),
          at: event.at,
          type: event.type,
          actor_id: event.actorId ?? null,
          team_id: event.teamId ?? null,
          app_id: event.appId ?? null,
          user_id: event.userId ?? null,
          detail: JSON.stringify(event.detail ?? {}),
        })
        .execute();
    },
    list(filter: { teamId?: string; type?: AuditEventType } = {}): Promise<AuditEventRow[]> {
      let query = db.selectFrom('audit_events').selectAll().orderBy('at', 'desc').orderBy('id').limit(500);
      if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      return query.execute();
    },
  };
}
