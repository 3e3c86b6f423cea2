import type { FastifyReply } from 'fastify';
import { type Html, html } from '../http/html.js';
import { noStore } from '../http/responses.js';
import { ROUTES } from './routes.js';
import type { Flash } from './session.js';

/** The sections of the main navigation; a page names the one it belongs to. */
export type Section = 'home' | 'apps' | 'authorized';

export interface PageOptions {
  title: string;
  body: Html;
  /** The signed-in user's name, shown in the header with a sign-out button. */
  user?: { name: string; csrf: string } | undefined;
  /** Extra origins the page's forms may lead to (CSP form-action also governs the redirect after a POST). */
  formTargets?: string[];
  /** Highlights the page's section in the navigation. */
  section?: Section | undefined;
  /** A notice from the previous request (post/redirect/get). */
  flash?: Flash | undefined;
  /** A page with one decision to make (consent) shows no navigation. */
  focused?: boolean;
  /** Wide pages hold lists and tables; narrow ones hold a single form. */
  wide?: boolean;
  /** A page that fills the window (the board): no centred column. */
  full?: boolean;
  /** Module scripts the page loads, all from this origin (`script-src 'self'`); none by default. */
  scripts?: string[];
  /** The origins the page may frame (the apps on a board); no frames by default. */
  frameOrigins?: string[] | undefined;
  /** Origins the page's images come from besides its own (apps' logos); hostnames only, checked by the domain. */
  imageOrigins?: string[];
}

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'home', href: ROUTES.home, label: 'Teams' },
  { section: 'apps', href: ROUTES.apps, label: 'Your apps' },
  { section: 'authorized', href: ROUTES.profileApps, label: 'Authorized apps' },
];

function flashNotice(flash: Flash | undefined): Html {
  return html`${flash?.notice ? html`<p class="notice" role="status">${flash.notice}</p>` : ''}${
    flash?.error ? html`<p class="error" role="alert">${flash.error}</p>` : ''
  }`;
}

export function page({ title, body, user, section, flash, wide, focused, full, scripts }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Grantboard</title>
<link rel="stylesheet" href="${ROUTES.stylesheet}">
<link rel="icon" href="${ROUTES.icon}" type="image/svg+xml">
${(scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>\n`)}</head>
<body${full ? html` class="full"` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="top-inner">
    <a class="brand" href="${ROUTES.home}"><span class="logo" aria-hidden="true"></span>Grantboard</a>
    ${
      user && !focused
        ? html`<nav class="nav" aria-label="Main">
      <ul>${NAV.map(
        (item) =>
          html`<li><a href="${item.href}"${item.section === section ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
      )}</ul>
    </nav>`
        : ''
    }
    ${
      user
        ? html`<form method="post" action="${ROUTES.signOut}" class="signout">
      <span class="who">${user.name}</span>
      <input type="hidden" name="csrf" value="${user.csrf}">
      <button type="submit" class="link">Sign out</button>
    </form>`
        : ''
    }
  </div>
</header>
<main id="main" class="${full ? 'full' : wide ? 'wide' : 'narrow'}" tabindex="-1">
${flashNotice(flash)}
${body}
</main>
</body>
</html>`;
}

/**
 * The page's CSP. Pages without scripts allow none; a page with scripts allows only its own
 * origin's files (no inline script) and same-origin requests; frames only from the origins named.
 */
export function contentSecurityPolicy(
  options: Pick<PageOptions, 'formTargets' | 'scripts' | 'frameOrigins' | 'imageOrigins'>,
): string {
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(' ');
  const scripts = options.scripts && options.scripts.length > 0;
  return [
    "default-src 'none'",
    ...(scripts ? ["script-src 'self'", "connect-src 'self'"] : []),
    ...(options.frameOrigins && options.frameOrigins.length > 0
      ? [`frame-src ${[...new Set(options.frameOrigins)].join(' ')}`]
      : []),
    "style-src 'self'",
    ["img-src 'self' data:", ...new Set(options.imageOrigins ?? [])].join(' '),
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Sends a page with the headers every Grantboard page carries: no caching, no framing
 * (RFC 9700 §4.16), no referrer (§4.2.4), and a CSP that allows no script unless the page names its own.
 */
export function sendPage(reply: FastifyReply, options: PageOptions, status = 200): FastifyReply {
  return noStore(reply.code(status))
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(options))
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(page(options).value);
}
