import type { App } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { scopeTags } from '../format.js';
import { link, ROUTES } from '../routes.js';

/**
 * The team's agents (docs/mcp.md): apps no developer team registered, which came by RFC 7591
 * registration or by a client ID metadata document. Admins uninstall them like any app, which
 * revokes every token they hold in the team at once.
 */
export function agentsSection(teamId: string, agents: readonly App[], admin: boolean): Html | '' {
  if (agents.length === 0) return '';
  return html`<section class="card" aria-labelledby="agents-title">
  <h2 id="agents-title">Agents</h2>
  <p class="muted">MCP clients users authorized in this team. None is verified by your organization.</p>
  <ul class="rows">${agents.map(
    (agent) => html`<li class="row">
    <div class="row-main">
      <h3>${agent.name} <span class="tag warn">not verified</span></h3>
      <p class="muted small">${
        agent.registration === 'metadata_document'
          ? html`Described by the metadata document at <code>${agent.id}</code>`
          : html`Registered itself (client id <code>${agent.id}</code>)`
      }</p>
      ${scopeTags(agent.scopes)}
    </div>
    ${
      admin
        ? html`<div class="row-actions"><a class="button danger small" href="${link(ROUTES.teamUninstall, { teamId, appId: agent.id })}" aria-label="Remove ${agent.name}">Remove</a></div>`
        : ''
    }
  </li>`,
  )}</ul>
</section>`;
}
