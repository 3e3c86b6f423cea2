import { isReadScope, SCOPES } from '@grantboard/protocol';
import { type Html, html } from '../http/html.js';

/** A moment as `2026-11-29 12:00 UTC` in a `<time>` element (server-rendered pages know no time zone). */
export function when(ms: number): Html {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}

/** A scope's plain-language description, from the protocol's scope list. */
export function describeScope(scope: string): string {
  return (SCOPES as Record<string, string>)[scope] ?? scope;
}

/** Scopes grouped as the user reads them: what the app can see, and what it can change. */
export function groupScopes(scopes: readonly string[]): { read: string[]; write: string[] } {
  return { read: scopes.filter(isReadScope), write: scopes.filter((s) => !isReadScope(s)) };
}

/** `1 user`, `2 users`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Scope names as small tags. */
export function scopeTags(scopes: readonly string[]): Html {
  return html`<ul class="tags" aria-label="Scopes">${scopes.map((s) => html`<li><code class="tag" title="${describeScope(s)}">${s}</code></li>`)}</ul>`;
}

/** The first letter of a name, for an app's placeholder icon. */
export function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? '?';
}
