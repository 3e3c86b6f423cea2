import { isReadScope, SCOPES } from '@grantboard/protocol';
import type { Refusal } from '../domain/install-service.js';
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

/** `Alice`, `Alice or Bob`, `Alice, Bob or Carol`. */
export function either(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Whom a member asks when they may not install an app: the team's admins by name; nobody for a non-member. */
export function askAdmins(refusal: Refusal): string {
  const ask = refusal.ask;
  if (!ask) return '';
  if (ask.admins.length === 0) return `Ask an admin of ${ask.team}.`;
  return `Ask ${either(ask.admins)} (${ask.admins.length === 1 ? 'an admin' : 'admins'} of ${ask.team}).`;
}

/** A refusal as the pages show it: why, then whom to ask. */
export function refusalText(refusal: Refusal): string {
  const ask = askAdmins(refusal);
  return ask ? `${refusal.message} ${ask}` : refusal.message;
}
