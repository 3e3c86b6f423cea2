import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ForbiddenError } from '../../domain/errors.js';
import type { AuditEventType, NamedAuditEvent } from '../../domain/model.js';
import { html } from '../../http/html.js';
import { count, when } from '../format.js';
import { sendSignedInPage } from '../guard.js';
import { ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';
import { errorPage } from './error-page.js';
import { teamHeader, teamOf } from './team-apps.js';

const LIMIT = 200;

/** Every event type has a label: a new type that has none fails the type check. */
const LABELS: Record<AuditEventType, string> = {
  app_installed: 'App installed',
  app_uninstalled: 'App uninstalled',
  token_revoked: 'Access revoked',
  refresh_token_reuse_detected: 'Refresh token reuse detected',
  authorization_code_replay_detected: 'Authorization code reused',
  client_secret_rotated: 'Client secret rotated',
  app_created: 'App created',
  app_updated: 'App settings changed',
  app_deleted: 'App deleted',
  team_settings_changed: 'Team settings changed',
  app_first_party_changed: 'First party changed',
  client_registered: 'Agent registered itself',
  agent_bound: 'Agent bound to the team',
  tokens_issued_for_test: 'Tokens issued for a test',
  code_issued_for_test: 'Code issued for a test',
  test_control_used: 'Test control used',
  upstream_sign_in: 'Signed in with a provider',
  upstream_account_linked: 'Provider account linked',
  upstream_sign_in_refused: 'Provider sign-in refused',
  team_membership_from_upstream: 'Membership from provider groups',
  resource_server_registered: 'Resource server registered',
  resource_server_secret_rotated: 'Resource server secret rotated',
};

/** Security events are marked, so an admin's eye finds them. */
const ALARMS = new Set(['refresh_token_reuse_detected', 'authorization_code_replay_detected']);

function detailOf(event: NamedAuditEvent): Record<string, unknown> {
  try {
    const parsed = JSON.parse(event.detail) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One sentence about what happened, in the team's words. */
function describe(event: NamedAuditEvent): string {
  const detail = detailOf(event);
  const app =
    event.app_name ?? (typeof detail.appName === 'string' ? detail.appName : `app ${event.app_id ?? '(unknown)'}`);
  const revoked = typeof detail.revokedFamilies === 'number' ? count(detail.revokedFamilies, 'authorization') : '';
  switch (event.type) {
    case 'app_installed':
      return `${app} was installed with scopes ${String(detail.scopes ?? '')}.`;
    case 'app_uninstalled':
      return `${app} was uninstalled; ${revoked} revoked.`;
    case 'token_revoked':
      return `Access of ${app} for ${event.user_name ?? 'a user'} was revoked.`;
    case 'refresh_token_reuse_detected':
      return `A refresh token of ${app} for ${event.user_name ?? 'a user'} was used again ${String(detail.secondsSinceRotation ?? '?')} s after it was rotated; the whole authorization was revoked.`;
    case 'authorization_code_replay_detected':
      return `An authorization code of ${app} for ${event.user_name ?? 'a user'} was used twice; tokens issued from it were revoked.`;
    case 'client_secret_rotated':
      return `The client secret of ${app} was rotated.`;
    case 'app_created':
      return `${app} was registered.`;
    case 'app_updated':
      return `The settings of ${app} were changed.`;
    case 'app_deleted':
      return `${app} was deleted; ${revoked} revoked.`;
    case 'app_first_party_changed':
      return detail.firstParty
        ? `${app} was marked first party: its users are not asked for consent.`
        : `${app} asks its users for consent again.`;
    case 'agent_bound':
      return `${app} was authorized for the first time and is bound to this team.`;
    case 'tokens_issued_for_test':
    case 'code_issued_for_test':
      return `A ${event.type === 'code_issued_for_test' ? 'code' : 'token'} of ${app} for ${event.user_name ?? 'a user'} was issued without a browser (test controls).`;
    case 'test_control_used':
      return `Test control ${String(detail.control ?? '')} was used on ${app}.`;
    case 'team_membership_from_upstream':
      return `${event.user_name ?? 'A user'} is ${detail.role === 'admin' ? 'an admin' : 'a member'} through group ${String(detail.group ?? '')} of ${String(detail.providerName ?? 'the identity provider')}.`;
    case 'upstream_sign_in':
    case 'upstream_account_linked':
    case 'upstream_sign_in_refused':
      return `${String(detail.providerName ?? 'An identity provider')}: ${LABELS[event.type].toLowerCase()}.`;
    case 'team_settings_changed':
      return detail.installsAdminOnly ? 'Only team admins can install apps now.' : 'Every member can install apps now.';
    default:
      return event.type;
  }
}

/** Team settings → Audit log: who did what, when — for team admins. */
export function teamAuditPages(app: FastifyInstance, context: AppContext, _sessions: Sessions): void {
  app.get(ROUTES.teamAudit, async (request, reply) => {
    const view = await teamOf(context, request, reply);
    if (!view) return reply;
    let events: NamedAuditEvent[];
    try {
      events = await context.services.teams.auditLog(view.team.id, view.user.user.id, LIMIT);
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
      return errorPage(
        reply,
        403,
        'Only team admins can see the audit log',
        `Ask an admin of ${view.team.name}.`,
        view.user,
      );
    }
    const body = html`${teamHeader(view, 'audit')}
<section class="card" aria-labelledby="audit-title">
  <h2 id="audit-title">Audit log</h2>
  <p class="muted">Installs, uninstalls, revocations, secret rotations and detected token reuse in ${view.team.name}, newest first${events.length === LIMIT ? ` (the latest ${LIMIT})` : ''}.</p>
  ${
    events.length === 0
      ? html`<p class="empty">Nothing has happened yet.</p>`
      : html`<div class="table-scroll"><table class="stack">
    <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
    <tbody>${events.map(
      (e) => html`<tr>
      <td data-label="When">${when(e.at)}</td>
      <td data-label="Event"><span class="tag ${ALARMS.has(e.type) ? 'warn' : 'grey'}">${LABELS[e.type as AuditEventType] ?? e.type}</span></td>
      <td data-label="Who">${e.actor_name ?? (e.actor_id ? `user ${e.actor_id}` : 'Grantboard')}</td>
      <td data-label="What">${describe(e)}</td>
    </tr>`,
    )}</tbody>
  </table></div>`
  }
</section>`;
    return sendSignedInPage(reply, view.user, {
      title: `${view.team.name} · Audit log`,
      body,
      section: 'home',
      wide: true,
    });
  });
}
