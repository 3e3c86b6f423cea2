import type { App } from '../../domain/model.js';
import type { ScopeGroup } from '../../domain/resource-server-service.js';
import { type Html, html } from '../../http/html.js';
import { describeScope, initial } from '../format.js';

/** Where a form may lead: the redirect URI's origin (or scheme, for native apps). */
export function formTarget(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.origin !== 'null' ? url.origin : url.protocol;
}

/** What the user is told about where the browser goes next: the host, or the app scheme of a native app. */
export function destination(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host || `${url.protocol}//`;
}

/** `an hour`, `15 minutes`, `2 hours`: an access token lifetime as a person says it. */
export function lifetime(seconds: number): string {
  if (seconds === 3600) return 'an hour';
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'a minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** One group of scopes on a consent page: a heading, then each scope in plain words with its name. */
export function scopeSection(heading: Html, scopes: string[]): Html | '' {
  if (scopes.length === 0) return '';
  return html`<h3 class="scope-group">${heading}</h3>
  <ul class="scopes">${scopes.map((s) => html`<li><span class="scope-text">${describeScope(s)}</span> <code class="tag grey">${s}</code></li>`)}</ul>`;
}

/**
 * The scopes of a request that opens more than Miro's Boards API, grouped by the API (resource
 * server) each belongs to, in that API's own consent texts (docs/platform.md).
 */
export function apiScopeSections(groups: readonly ScopeGroup[]): Html[] {
  return groups.map(
    (group) => html`<section class="api-scopes" data-api="${group.identifier ?? 'boards'}">
  <h3 class="scope-group">${group.api}</h3>
  <ul class="scopes">${group.scopes.map((s) => html`<li><span class="scope-text">${s.consentText ?? describeScope(s.name)}</span> <code class="tag grey">${s.name}</code></li>`)}</ul>
</section>`,
  );
}

/** An app's logo (an image, never CSS), or its initial when it has none. */
export function appIcon(app: App, size = 52): Html {
  const logo = app.identity.logoUrl;
  if (!logo) return html`<div class="app-icon" aria-hidden="true">${initial(app.name)}</div>`;
  return html`<img class="app-icon" src="${logo}" alt="" width="${size}" height="${size}" referrerpolicy="no-referrer" loading="lazy" decoding="async">`;
}

/** The origins of the apps' logos, for the page's `img-src`. */
export function logoOrigins(apps: readonly App[]): string[] {
  return apps.flatMap((app) => {
    const logo = app.identity.logoUrl;
    return logo && !logo.startsWith('/') ? [new URL(logo).origin] : [];
  });
}

/** The app's description and links, as the install & authorize page shows them (Miro, GitHub). */
export function appAbout(app: App): Html | '' {
  const { description, homepageUrl, privacyUrl, termsUrl } = app.identity;
  const links = [
    ['Homepage', homepageUrl],
    ['Privacy policy', privacyUrl],
    ['Terms of service', termsUrl],
  ].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  if (!description && links.length === 0) return '';
  return html`<div class="app-about">
    ${description ? html`<p class="app-description">${description}</p>` : ''}
    ${
      links.length > 0
        ? html`<ul class="app-links">${links.map(
            ([label, href]) =>
              html`<li><a href="${href}" rel="noopener noreferrer nofollow">${label}</a> <span class="muted small">${destination(href)}</span></li>`,
          )}</ul>`
        : ''
    }
  </div>`;
}
