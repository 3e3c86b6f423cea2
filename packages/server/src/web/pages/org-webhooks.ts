import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ValidationError } from '../../domain/errors.js';
import { EVENT_TYPES } from '../../domain/events.js';
import { type Html, html } from '../../http/html.js';
import { when } from '../format.js';
import { postedForm, sendSignedInPage } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';
import { type OrganizationView, organizationHeader, organizationOf } from './org-header.js';

const LOG_LIMIT = 100;

const STATES: Record<string, string> = { delivered: 'Delivered', pending: 'Retrying', failed: 'Failed' };

/** Organization settings → Webhooks: endpoints (the secret shown once) and the delivery log (docs/webhooks.md). */
export function orgWebhooksPages(app: FastifyInstance, context: AppContext, sessions: Sessions): void {
  const { services } = context;

  async function render(
    reply: FastifyReply,
    view: OrganizationView,
    extra: { created?: { url: string; secret: string }; error?: string; url?: string } = {},
  ): Promise<FastifyReply> {
    const orgId = view.organization.id;
    const userId = view.user.user.id;
    const [endpoints, log] = await Promise.all([
      services.webhooks.endpoints(orgId, userId),
      services.webhooks.log(orgId, userId, LOG_LIMIT),
    ]);
    const csrf = html`<input type="hidden" name="csrf" value="${view.user.csrf}">`;
    const created: Html | string = extra.created
      ? html`<section class="card" aria-labelledby="secret-title">
  <h2 id="secret-title">Signing secret for ${extra.created.url}</h2>
  <p class="warning">Copy it now: it is shown only this once. Your endpoint verifies each request's <code>webhook-signature</code> with it (Standard Webhooks).</p>
  <pre><code id="webhook-secret">${extra.created.secret}</code></pre>
</section>`
      : '';
    const body = html`${organizationHeader(view, 'webhooks')}
${created}
<section class="card" aria-labelledby="endpoints-title">
  <h2 id="endpoints-title">Endpoints</h2>
  <p class="muted">Each endpoint receives every event of the organization's teams: ${EVENT_TYPES.map((t, i) => html`${i > 0 ? ', ' : ''}<code>${t}</code>`)}.</p>
  ${
    endpoints.length === 0
      ? html`<p class="empty">No endpoints yet.</p>`
      : html`<ul class="rows">${endpoints.map(
          (e) => html`<li class="row">
    <div class="row-main"><h3><code>${e.url}</code></h3><p class="muted small">Added on ${when(e.createdAt)}</p></div>
    <div class="row-actions"><form method="post" action="${link(ROUTES.orgWebhookDelete, { organizationId: orgId, endpointId: e.id })}">${csrf}<button type="submit" class="danger small" aria-label="Remove ${e.url}">Remove</button></form></div>
  </li>`,
        )}</ul>`
  }
  <form method="post" action="${link(ROUTES.orgWebhooks, { organizationId: orgId })}">
    ${csrf}
    <label for="webhook-url">Endpoint URL</label>
    <input id="webhook-url" name="url" type="url" required placeholder="https://example.com/webhooks/grantboard" value="${extra.url ?? ''}"${extra.error ? html` aria-invalid="true" aria-describedby="webhook-url-error"` : ''}>
    ${extra.error ? html`<p class="error" id="webhook-url-error" role="alert">${extra.error}</p>` : ''}
    <div class="actions"><button type="submit">Add endpoint</button></div>
  </form>
</section>
<section class="card" aria-labelledby="log-title">
  <h2 id="log-title">Delivery log</h2>
  ${
    log.length === 0
      ? html`<p class="empty">Nothing delivered yet.</p>`
      : html`<div class="table-scroll"><table class="stack">
    <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Attempt</th><th scope="col">Answer</th><th scope="col">Delivery</th></tr></thead>
    <tbody>${log.map(
      (a) => html`<tr>
      <td data-label="When">${when(a.at)}</td>
      <td data-label="Event"><code>${a.eventType}</code> <span class="muted small">${a.eventId}</span></td>
      <td data-label="Endpoint"><code>${a.url}</code></td>
      <td data-label="Attempt">${a.attempt}</td>
      <td data-label="Answer">${a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? '')} · ${a.durationMs} ms</td>
      <td data-label="Delivery"><span class="tag ${a.deliveryStatus === 'failed' ? 'warn' : 'grey'}">${STATES[a.deliveryStatus] ?? a.deliveryStatus}</span></td>
    </tr>`,
    )}</tbody>
  </table></div>`
  }
</section>`;
    return sendSignedInPage(
      reply,
      view.user,
      {
        title: `${view.organization.name} · Webhooks`,
        body,
        section: 'home',
        wide: true,
        flash: await sessions.takeFlash(view.user),
      },
      extra.error ? 400 : 200,
    );
  }

  app.get(ROUTES.orgWebhooks, async (request, reply) => {
    const view = await organizationOf(context, request, reply);
    return view ? render(reply, view) : reply;
  });

  // The secret is shown on the answer to this POST and nowhere else: it is never stored in the clear.
  app.post(ROUTES.orgWebhooks, async (request, reply) => {
    const view = await organizationOf(context, request, reply);
    if (!view) return reply;
    const url = postedForm(request).get('url') ?? '';
    try {
      const { endpoint, secret } = await services.webhooks.addEndpoint(view.organization.id, view.user.user.id, url);
      return render(reply, view, { created: { url: endpoint.url, secret } });
    } catch (error) {
      if (error instanceof ValidationError) return render(reply, view, { error: error.message, url });
      throw error;
    }
  });

  app.post(ROUTES.orgWebhookDelete, async (request, reply) => {
    const view = await organizationOf(context, request, reply);
    if (!view) return reply;
    const { endpointId } = request.params as { endpointId: string };
    await services.webhooks.removeEndpoint(view.organization.id, view.user.user.id, endpointId);
    await sessions.setFlash(view.user, { notice: 'The endpoint is removed; it receives no more events.' });
    return reply
      .code(303)
      .header('location', link(ROUTES.orgWebhooks, { organizationId: view.organization.id }))
      .send();
  });
}
