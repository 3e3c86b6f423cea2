import type { App } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { toolsFor } from '../../mcp/tools.js';
import { destination } from './consent-parts.js';

/** RFC 8707 resources travel through the consent form like the other request parameters. */
export function resourceFields(resources: readonly string[]): Html[] {
  return resources.map((resource) => html`<input type="hidden" name="resource" value="${resource}">`);
}

/**
 * What the user is told about an agent that no developer team registered (docs/mcp.md): that nobody
 * in the organization vouched for it, where the answer goes, the team it will act in, and the MCP
 * tools its scopes open. Nothing for console apps.
 */
export function agentNotice(
  app: App,
  redirectUri: string,
  scopes: readonly string[],
  boundTeam: string | undefined,
): Html | '' {
  if (app.registration === null) return '';
  const origin =
    app.registration === 'metadata_document'
      ? html`It describes itself in a metadata document at <strong>${destination(app.id)}</strong>.`
      : html`It registered itself with Grantboard a moment ago.`;
  const team =
    app.registration === 'dynamic' && boundTeam !== undefined
      ? html`It is bound to the <strong>${boundTeam}</strong> team and acts there only.`
      : app.registration === 'dynamic'
        ? html`It will be bound to the team you choose below, and can never act in another.`
        : html`It will act in the team you choose below only.`;
  const tools = toolsFor(scopes);
  return html`<div class="warning" id="agent-notice" role="note">
    <p><strong>${app.name} is not verified by your organization.</strong> ${origin} Its name is its own claim; check that you started it.</p>
    <p>When you allow, the browser goes to <strong>${destination(redirectUri)}</strong>. ${team}</p>
    ${
      tools.length > 0
        ? html`<p>Its MCP tools: ${tools.map((tool, i) => html`${i > 0 ? ', ' : ''}<code>${tool.name}</code>`)}.</p>`
        : ''
    }
  </div>`;
}
