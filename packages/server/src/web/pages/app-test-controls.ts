import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { App, TeamRow } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { postedForm, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions, SignedIn } from '../session.js';
import { errorPage } from './error-page.js';

interface Managed {
  user: SignedIn;
  app: App;
  team: TeamRow;
}

const csrfField = (user: SignedIn) => html`<input type="hidden" name="csrf" value="${user.csrf}">`;

/**
 * The "Test controls" card of an app's console page (docs/testing.md), shown only when the
 * controls are on. Each form posts to one route that calls the same service as the CLI and the
 * admin API, as the signed-in developer (so the audit log names them).
 */
export function testControlsSection(m: Managed): Html {
  const action = link(ROUTES.appTestControls, { appId: m.app.id });
  const form = (control: string, fields: Html, button: string) =>
    html`<form method="post" action="${action}">
    ${csrfField(m.user)}<input type="hidden" name="control" value="${control}">
    ${fields}
    <div class="actions tight"><button type="submit">${button}</button></div>
  </form>`;
  return html`<section class="card" aria-labelledby="test-controls-title" id="test-controls">
  <h2 id="test-controls-title">Test controls</h2>
  <p>Make the hard cases happen now, for this app only. Every use is in the audit log.</p>
  ${form(
    'expire_access_token',
    html`<label for="tc-token">Access token</label><input id="tc-token" name="token" autocomplete="off" required>`,
    'Expire the access token now',
  )}
  ${form(
    'fail_token_requests',
    html`<label for="tc-count">Next token requests to fail</label><input id="tc-count" name="count" type="number" min="1" max="1000" value="1" required>
    <label for="tc-error">Answer</label><select id="tc-error" name="error"><option value="invalid_grant">invalid_grant</option><option value="temporarily_unavailable">503 temporarily_unavailable</option></select>`,
    'Fail the next token requests',
  )}
  ${form(
    'rate_limit',
    html`<label for="tc-seconds">Seconds of 429 for you</label><input id="tc-seconds" name="seconds" type="number" min="0" max="86400" value="60" required>`,
    'Answer 429',
  )}
  ${form(
    'advance_clock',
    html`<label for="tc-clock">Seconds to move the app's clock forward</label><input id="tc-clock" name="seconds" type="number" min="1" value="3600" required>`,
    'Advance the clock',
  )}
  ${form('uninstall', html`<p class="hint">From ${m.team.name}: every token of the app there stops working.</p>`, 'Uninstall now')}
</section>`;
}

const whole = (value: string | null, name: string): number => {
  if (value === null || !/^\d{1,9}$/.test(value)) throw new ValidationError(`${name} must be a whole number.`, name);
  return Number(value);
};

/** `POST /apps/{id}/test-controls`: a 404 page when the controls are off, as for any unknown path. */
export function testControlsRoute(
  app: FastifyInstance,
  { services }: AppContext,
  sessions: Sessions,
  managed: (request: Parameters<typeof signedIn>[0], reply: FastifyReply) => Promise<Managed | undefined>,
): void {
  const controls = services.testControls;
  app.post(ROUTES.appTestControls, async (request, reply) => {
    if (!controls.enabled) return errorPage(reply, 404, 'Page not found', 'Test controls are off.', signedIn(request));
    const m = await managed(request, reply);
    if (!m) return reply;
    const form = postedForm(request);
    const actor = m.user.user.id;
    let notice: string;
    try {
      switch (form.get('control')) {
        case 'expire_access_token':
          await controls.expireAccessToken((form.get('token') ?? '').trim(), actor);
          notice = 'The access token has expired.';
          break;
        case 'fail_token_requests': {
          const count = whole(form.get('count'), 'count');
          const error = form.get('error');
          if (error !== 'invalid_grant' && error !== 'temporarily_unavailable')
            throw new ValidationError('Choose invalid_grant or temporarily_unavailable.', 'error');
          await controls.failTokenRequests(
            m.app.id,
            count,
            error === 'invalid_grant' ? { kind: error } : { kind: error, retryAfterSeconds: 1 },
            actor,
          );
          notice = `The next ${count} token requests of ${m.app.name} fail with ${error}.`;
          break;
        }
        case 'rate_limit': {
          const seconds = whole(form.get('seconds'), 'seconds');
          await controls.rateLimit(m.app.id, actor, seconds, actor);
          notice = seconds === 0 ? 'The 429 is lifted.' : `The API answers you 429 for ${seconds} seconds.`;
          break;
        }
        case 'advance_clock': {
          const seconds = whole(form.get('seconds'), 'seconds');
          await controls.advanceClock(m.app.id, seconds, actor);
          notice = `The app's tokens are ${seconds} seconds older.`;
          break;
        }
        case 'uninstall':
          await controls.uninstall(m.app.id, m.team.id, actor);
          notice = `${m.app.name} is uninstalled from ${m.team.name}.`;
          break;
        default:
          throw new ValidationError('Choose a test control.', 'control');
      }
    } catch (error) {
      if (error instanceof ValidationError || error instanceof NotFoundError)
        return errorPage(reply, 400, 'The test control was refused', error.message, m.user);
      throw error;
    }
    await sessions.setFlash(m.user, { notice });
    return reply
      .code(303)
      .header('location', `${link(ROUTES.app, { appId: m.app.id })}#test-controls`)
      .send();
  });
}
