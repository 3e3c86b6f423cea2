import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { type Html, html } from '../../http/html.js';
import { signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { SignedIn } from '../session.js';
import { errorPage } from './error-page.js';

export interface OrganizationView {
  user: SignedIn;
  organization: { id: string; name: string };
}

/** The organization of the path, if the signed-in user is one of its admins; otherwise a 403 page. */
export async function organizationOf(
  { services }: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<OrganizationView | undefined> {
  const user = signedIn(request);
  const { organizationId } = request.params as { organizationId: string };
  const organization = await services.webhooks.organization(organizationId, user.user.id);
  if (!organization) {
    errorPage(
      reply,
      403,
      'Only organization admins',
      'Only admins of a team of this organization can manage its settings.',
      user,
    );
    return undefined;
  }
  return { user, organization };
}

/** The organization's heading and its tabs. */
export function organizationHeader(view: OrganizationView, current: 'webhooks' | 'apps'): Html {
  const tabs = [
    { key: 'webhooks', href: link(ROUTES.orgWebhooks, { organizationId: view.organization.id }), label: 'Webhooks' },
    { key: 'apps', href: link(ROUTES.orgApps, { organizationId: view.organization.id }), label: 'First-party apps' },
  ];
  return html`<div class="page-head">
  <div>
    <p class="crumbs"><a href="${ROUTES.home}">Teams</a></p>
    <h1>${view.organization.name}</h1>
    <p class="muted">Organization settings · you are an admin</p>
  </div>
</div>
<nav aria-label="Organization settings"><ul class="tabs">${tabs.map(
    (tab) =>
      html`<li><a href="${tab.href}"${tab.key === current ? html` aria-current="page"` : ''}>${tab.label}</a></li>`,
  )}</ul></nav>`;
}
