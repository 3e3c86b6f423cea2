import type { FastifyReply } from 'fastify';
import { type Html, html } from './html.js';

export interface PageOptions {
  title: string;
  body: Html;
  /** The signed-in user's name, shown in the header with a sign-out button. */
  user?: { name: string; csrf: string } | undefined;
  /** Extra origins the page's forms may lead to (CSP form-action also governs the redirect after a POST). */
  formTargets?: string[];
}

export function page({ title, body, user }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Grantboard</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/">Grantboard</a>
  ${
    user
      ? html`<form method="post" action="/signout" class="signout">
    <span class="who">${user.name}</span>
    <input type="hidden" name="csrf" value="${user.csrf}">
    <button type="submit" class="link">Sign out</button>
  </form>`
      : ''
  }
</header>
<main>
${body}
</main>
</body>
</html>`;
}

/**
 * Sends a page with the headers every Grantboard page carries: no caching, no framing
 * (RFC 9700 §4.16), no referrer (§4.2.4), and a CSP that allows no script at all.
 */
export function sendPage(reply: FastifyReply, options: PageOptions, status = 200): FastifyReply {
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(' ');
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(page(options).value);
}

export const STYLESHEET = `
:root { --ink: #1a1b25; --muted: #5c5f73; --line: #dcdde6; --bg: #f5f6fa; --card: #fff; --accent: #3451d1; --accent-ink: #fff; --danger: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
.top { display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; color: var(--ink); text-decoration: none; }
.signout { display: flex; gap: 12px; align-items: center; margin: 0; }
.who { color: var(--muted); }
main { max-width: 560px; margin: 32px auto; padding: 0 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 28px; }
h1 { font-size: 1.5rem; margin: 0 0 8px; }
h2 { font-size: 1rem; margin: 24px 0 8px; }
p { margin: 8px 0; }
.muted { color: var(--muted); }
label { display: block; font-weight: 600; margin: 16px 0 4px; }
input[type=email], input[type=password], input[type=text], select { width: 100%; padding: 10px 12px; font: inherit; border: 1px solid #9a9db0; border-radius: 8px; background: #fff; }
input:focus, select:focus, button:focus { outline: 3px solid #9bb0ff; outline-offset: 1px; }
.actions { display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; }
button { font: inherit; padding: 10px 20px; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; color: var(--accent); padding: 0; text-decoration: underline; }
ul.scopes { padding-left: 20px; }
ul.scopes li { margin: 4px 0; }
.tag { display: inline-block; font-size: .8rem; padding: 1px 8px; border-radius: 999px; background: #e6e9fb; color: #27348b; margin-left: 6px; }
.error { border-left: 4px solid var(--danger); padding: 8px 12px; background: #fdecea; border-radius: 4px; }
code, .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; word-break: break-all; }
pre { background: #f0f1f6; padding: 12px; border-radius: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
@media (max-width: 480px) { main { margin: 16px auto; } .card { padding: 20px; } }
`;
