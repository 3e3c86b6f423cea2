import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import { type Html, html } from '../../http/html.js';
import { API_PATHS } from '../paths.js';
import { type ApiRoute, LEVEL_CREDITS } from '../route.js';
import { openApiKey } from './document.js';
import { exampleOf } from './examples.js';

type Json = Record<string, unknown>;

const STYLES = `
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1b25; background: #f5f6fa; overflow-wrap: break-word; }
header.site { background: #fff; border-bottom: 1px solid #dcdde6; }
header.site div { max-width: 980px; margin: 0 auto; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; }
header.site .brand { font-weight: 700; color: #1a1b25; text-decoration: none; margin-right: auto; }
.crumbs { margin: 0 0 4px; font-size: .9rem; }
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
pre { background: #f0f1f6; padding: 10px; border-radius: 8px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .82rem; }
details { margin: 6px 0; } summary { cursor: pointer; color: #3451d1; }
.example-label { font-size: .85rem; color: #5c5f73; margin: 10px 0 0; }
td code { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  nav ul { columns: 1; }
  table, thead, tbody, tr, th, td { display: block; }
  tr:first-child { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border-top: 1px solid #dcdde6; padding: 6px 0; }
  td { border: none; padding: 2px 0; }
  td[data-label]::before { content: attr(data-label) ": "; color: #5c5f73; font-size: .85rem; }
}
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
    html`<tr><td><code>${p.name}</code>${p.required ? ' (required)' : ''}</td><td data-label="In">${p.in}</td><td data-label="Type"><code>${typeLabel(p.schema)}</code></td><td>${prose(p.description ?? '')}</td></tr>`,
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

/** An example of the JSON a schema describes, `$ref`s resolved, then the schema itself folded away. */
function exampleBlock(label: string, schema: Json | undefined, schemas: Record<string, Json>): Html {
  if (!schema) return html``;
  return html`<p class="example-label">${label}, for example:</p>
<pre>${JSON.stringify(exampleOf(schema, schemas), null, 2)}</pre>
${schemaBlock(`${label}: schema`, schema)}`;
}

/** The authorization code flow a client runs before its first call, as the README shows it. */
function authorizationSection(server: string): Html {
  const authorize = `${server}${PATHS.authorize}?response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIRECT_URI&state=$STATE`;
  return html`<h2 id="authorization">Authorization</h2>
<p>Every call carries an OAuth 2.0 access token of a user in one team, got through the authorization code flow (RFC 6749 §4.1), as with Miro. Register an app in the developer console to get a client ID and secret, with its redirect URIs and scopes.</p>
<ol>
<li>Send the user's browser to the authorization page; they sign in, choose a team and allow the app:
<pre>${authorize}</pre>
Grantboard sends them back to <code>$REDIRECT_URI?code=…&amp;state=…&amp;client_id=…&amp;team_id=…</code>. Check that <code>state</code> is yours. Public apps (no secret) add <code>code_challenge</code> and <code>code_challenge_method=S256</code> (PKCE, RFC 7636).</li>
<li>Exchange the code for tokens, within 10 minutes:
<pre>curl -s -X POST ${server}${PATHS.token} \\
  -d grant_type=authorization_code -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET \\
  -d code=$CODE -d redirect_uri=$REDIRECT_URI</pre>
The answer carries <code>access_token</code>, <code>token_type: "bearer"</code>, <code>scope</code>, <code>user_id</code> and <code>team_id</code>; apps with expiring tokens also get <code>expires_in</code> and a <code>refresh_token</code>.</li>
<li>Call the API with the token:
<pre>curl -s -H "Authorization: Bearer $ACCESS_TOKEN" ${server}${PATHS.tokenContext}
curl -s -H "Authorization: Bearer $ACCESS_TOKEN" ${server}${API_PATHS.boards}</pre></li>
<li>Before the access token expires, refresh it; each refresh returns a new pair and retires the old one:
<pre>curl -s -X POST ${server}${PATHS.token} \\
  -d grant_type=refresh_token -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET -d refresh_token=$REFRESH_TOKEN</pre></li>
<li>Revoke a token when the user signs out of your app:
<pre>curl -s -X POST "${server}${PATHS.revokeV1}?access_token=$ACCESS_TOKEN" -o /dev/null -w '%{http_code}\\n'</pre></li>
</ol>
<p>The authorization server's metadata (RFC 8414) is at <a href="${PATHS.metadata}"><code>${PATHS.metadata}</code></a>.</p>`;
}

function operation(route: ApiRoute, document: Json): Html {
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  const op = ((document.paths as Json)[openApiKey(route)] as Json)[route.method.toLowerCase()] as Json;
  const content = (op.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content;
  const body = content?.['application/json']?.schema ?? content?.['multipart/form-data']?.schema;
  const bodyLabel = route.multipart ? 'Request body (multipart/form-data; data is JSON)' : 'Request body';
  const response = (op.responses as Record<string, { content?: { 'application/json': { schema: Json } } }>)[
    String(route.status)
  ]?.content?.['application/json'].schema;
  return html`<section class="op" id="${anchor(route)}">
<div class="sig"><span class="method ${route.method}">${route.method}</span> ${openApiKey(route)}</div>
<h3>${route.summary}</h3>
${route.description ? html`<p>${prose(route.description)}</p>` : ''}
<p class="meta">Scope <code>${route.scopes.join(' ')}</code> · rate-limit level ${route.level} (${LEVEL_CREDITS[route.level]} credits) · success ${route.status}</p>
${parameters(route, document)}
${exampleBlock(`${bodyLabel}${route.optionalBody ? ' (optional)' : ''}`, body, schemas)}
${exampleBlock(`Response ${route.status}`, response, schemas)}
</section>`;
}

/** The page: operations grouped by tag, then every named schema. */
export function renderReference(routes: ApiRoute[], document: Json): string {
  const tags = [...new Set(routes.map((route) => route.tag))];
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  const server = ((document.servers as { url: string }[] | undefined)?.[0]?.url ?? '').replace(/\/$/, '');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>REST API reference · Grantboard</title>
<link rel="stylesheet" href="${API_PATHS.reference}/style.css">
</head>
<body>
<header class="site"><div><a class="brand" href="/">Grantboard</a><a href="/">Home</a><a href="${API_PATHS.openapi}">OpenAPI document</a></div></header>
<main>
<p class="crumbs"><a href="/">← Back to Grantboard</a></p>
<h1>Grantboard REST API v2</h1>
<p>A Miro-compatible subset: boards, board members, items, sticky notes, texts, shapes and frames. Send an OAuth 2.0 access token as <code>Authorization: Bearer …</code> (or <code>?access_token=</code>). A token reaches only its team's boards; the user's board role (viewer, commenter, editor, co-owner, owner) applies on top of its scopes. Each request spends credits of its level from a budget per user per app per minute, reported in <code>X-RateLimit-Limit</code>, <code>X-RateLimit-Remaining</code> and <code>X-RateLimit-Reset</code>. Errors use the envelope <code>{status, code, message, type: "error"}</code>.</p>
<p>Machine-readable: <a href="${API_PATHS.openapi}">OpenAPI 3.1 document</a>.</p>
<nav aria-label="Contents"><ul>
<li><a href="#authorization">Authorization</a></li>
${tags.map((tag) => html`<li><a href="#tag-${tag.replaceAll(' ', '-')}">${tag}</a></li>`)}
<li><a href="#schemas">Schemas</a></li>
</ul></nav>
${authorizationSection(server)}
<h2 id="errors">Errors</h2>
<p>Every error has the same shape, with the HTTP status repeated in the body:</p>
<pre>${JSON.stringify(exampleOf({ $ref: '#/components/schemas/Error' }, schemas), null, 2)}</pre>
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
