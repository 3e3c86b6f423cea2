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
  | 'app_updated'
  | 'app_deleted'
  | 'team_settings_changed'
  | 'client_registered'
  | 'agent_bound'
  | 'tokens_issued_for_test'
  | 'code_issued_for_test'
  | 'test_control_used'
  | 'app_first_party_changed'
  | 'upstream_sign_in'
  | 'upstream_account_linked'
  | 'upstream_sign_in_refused'
  | 'team_membership_from_upstream'
  | 'resource_server_registered'
  | 'resource_server_secret_rotated';

/** An audit event with the names of the people and app it mentions, for the audit log page. */
export interface NamedAuditEvent extends AuditEventRow {
  actor_name: string | null;
  user_name: string | null;
  app_name: string | null;
}

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
    /** A team's events, newest first, with names; deleted apps keep the name recorded with the event. */
    async teamLog(teamId: string, limit = 200): Promise<NamedAuditEvent[]> {
      return db
        .selectFrom('audit_events as e')
        .leftJoin('users as actor', 'actor.id', 'e.actor_id')
        .leftJoin('users as subject', 'subject.id', 'e.user_id')
        .leftJoin('apps as a', 'a.id', 'e.app_id')
        .selectAll('e')
        .select(['actor.name as actor_name', 'subject.name as user_name', 'a.name as app_name'])
        .where('e.team_id', '=', teamId)
        .orderBy('e.at', 'desc')
        .orderBy('e.id', 'desc')
        .limit(limit)
        .execute();
    },
  };
}
