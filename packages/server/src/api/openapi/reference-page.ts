import type { FastifyInstance } from 'fastify';
import { type Html, html } from '../../http/html.js';
import { API_PATHS } from '../paths.js';
import { type ApiRoute, LEVEL_CREDITS } from '../route.js';
import { openApiKey } from './document.js';

type Json = Record<string, unknown>;

const STYLES = `
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1b25; background: #f5f6fa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 1.6rem; margin: 8px 0; } h2 { margin: 32px 0 8px; font-size: 1.2rem; border-bottom: 1px solid #dcdde6; padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 0; font-weight: 600; }
nav ul { columns: 2; padding-left: 20px; } a { color: #3451d1; }
section.op { background: #fff; border: 1px solid #dcdde6; border-radius: 10px; padding: 16px 20px; margin: 12px 0; }
.sig { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .95rem; margin-bottom: 6px; word-break: break-all; }
.method { display: inline-block; min-width: 64px; font-weight: 700; }
.GET { color: #1b6e3a; } .POST { color: #3451d1; } .PATCH { color: #8a5a00; } .PUT { color: #6b3fa0; } .DELETE { color: #b3261e; }
.meta { color: #5c5f73; font-size: .9rem; } code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: .9rem; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceef4; vertical-align: top; }
pre { background: #f0f1f6; padding: 10px; border-radius: 8px; overflow-x: auto; font-size: .82rem; }
details { margin: 6px 0; } summary { cursor: pointer; color: #3451d1; }
`;

const anchor = (route: ApiRoute) => route.operationId;

/** Descriptions are written with `backticks` for names: shown as code, everything else escaped. */
function prose(text: string): Html {
  return html`${text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

function parameters(route: ApiRoute, document: Json): Html {
  const op = ((document.paths as Json)[openApiKey(route)] as Json)[route.method.toLowerCase()] as Json;
  const params = op.parameters as { name: string; in: string; required: boolean; description?: string; schema: Json }[];
  if (params.length === 0) return html``;
  return html`<table>
<tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>
${params.map(
  (p) =>
    html`<tr><td><code>${p.name}</code>${p.required ? ' (required)' : ''}</td><td>${p.in}</td><td><code>${typeLabel(p.schema)}</code></td><td>${prose(p.description ?? '')}</td></tr>`,
)}
</table>`;
}

function typeLabel(schema: Json): string {
  if (Array.isArray(schema.enum)) return (schema.enum as string[]).join(' | ');
  const bounds = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : '',
    schema.default !== undefined ? `default ${schema.default}` : '',
  ].filter(Boolean);
  return `${String(schema.type ?? 'any')}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
}

function schemaBlock(label: string, schema: Json | undefined): Html {
  if (!schema) return html``;
  return html`<details><summary>${label}</summary><pre>${JSON.stringify(schema, null, 2)}</pre></details>`;
}

function operation(route: ApiRoute, document: Json): Html {
  const op = ((document.paths as Json)[openApiKey(route)] as Json)[route.method.toLowerCase()] as Json;
  const body = (op.requestBody as { content: { 'application/json': { schema: Json } } } | undefined)?.content[
    'application/json'
  ].schema;
  const response = (op.responses as Record<string, { content?: { 'application/json': { schema: Json } } }>)[
    String(route.status)
  ]?.content?.['application/json'].schema;
  return html`<section class="op" id="${anchor(route)}">
<div class="sig"><span class="method ${route.method}">${route.method}</span> ${openApiKey(route)}</div>
<h3>${route.summary}</h3>
${route.description ? html`<p>${prose(route.description)}</p>` : ''}
<p class="meta">Scope <code>${route.scopes.join(' ')}</code> · rate-limit level ${route.level} (${LEVEL_CREDITS[route.level]} credits) · success ${route.status}</p>
${parameters(route, document)}
${schemaBlock(`Request body${route.optionalBody ? ' (optional)' : ''}`, body)}
${schemaBlock(`Response ${route.status}`, response)}
</section>`;
}

/** The page: operations grouped by tag, then every named schema. */
export function renderReference(routes: ApiRoute[], document: Json): string {
  const tags = [...new Set(routes.map((route) => route.tag))];
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>REST API reference · Grantboard</title>
<link rel="stylesheet" href="${API_PATHS.reference}/style.css">
</head>
<body>
<main>
<h1>Grantboard REST API v2</h1>
<p>A Miro-compatible subset: boards, board members, items, sticky notes, texts, shapes and frames. Send an OAuth 2.0 access token as <code>Authorization: Bearer …</code> (or <code>?access_token=</code>). A token reaches only its team's boards; the user's board role (viewer, commenter, editor, co-owner, owner) applies on top of its scopes. Each request spends credits of its level from a budget per user per app per minute, reported in <code>X-RateLimit-Limit</code>, <code>X-RateLimit-Remaining</code> and <code>X-RateLimit-Reset</code>. Errors use the envelope <code>{status, code, message, type: "error"}</code>.</p>
<p>Machine-readable: <a href="${API_PATHS.openapi}">OpenAPI 3.1 document</a>.</p>
<nav><ul>
${tags.map((tag) => html`<li><a href="#tag-${tag.replaceAll(' ', '-')}">${tag}</a></li>`)}
<li><a href="#schemas">Schemas</a></li>
</ul></nav>
${tags.map(
  (tag) => html`<h2 id="tag-${tag.replaceAll(' ', '-')}">${tag}</h2>
${routes.filter((route) => route.tag === tag).map((route) => operation(route, document))}`,
)}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas).map(([name, schema]) => schemaBlock(name, schema))}
</main>
</body>
</html>`.value;
}

/** `/openapi.json`, the reference page and its stylesheet: public, cacheable, no script anywhere. */
export function referencePages(app: FastifyInstance, routes: ApiRoute[], document: Json): void {
  const page = renderReference(routes, document);
  const json = JSON.stringify(document);
  app.get(API_PATHS.openapi, async (_request, reply) =>
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(json),
  );
  app.get(API_PATHS.reference, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page),
  );
  app.get(`${API_PATHS.reference}/style.css`, async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(STYLES),
  );
}
