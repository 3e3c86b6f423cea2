import { type Html, html } from '../../http/html.js';
import { describeScope } from '../format.js';

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
