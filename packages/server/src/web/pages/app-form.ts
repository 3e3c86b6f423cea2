import { SCOPE_NAMES } from '@grantboard/protocol';
import type { TeamMembership } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { describeScope } from '../format.js';

/** What the create and edit forms hold, as typed (so a refused form comes back as the user left it). */
export interface AppFormValues {
  name: string;
  teamId: string;
  redirectUris: string;
  scopes: string[];
  expiring: boolean;
  public: boolean;
  /** The app URL a board loads in its iframe (Miro's `sdkUri`); empty for REST-only apps. */
  sdkUri: string;
}

/** Reads the create/edit form. Redirect URIs are one per line. */
export function readAppForm(form: URLSearchParams): AppFormValues {
  return {
    name: (form.get('name') ?? '').slice(0, 200),
    teamId: form.get('team_id') ?? '',
    redirectUris: (form.get('redirect_uris') ?? '').slice(0, 50_000),
    scopes: form.getAll('scopes'),
    expiring: form.get('token_mode') !== 'non_expiring',
    public: form.get('client_type') === 'public',
    sdkUri: (form.get('sdk_uri') ?? '').trim().slice(0, 2000),
  };
}

export function redirectUriLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function nameField(value: string): Html {
  return html`<label for="name">App name</label>
  <input id="name" name="name" type="text" required maxlength="60" value="${value}" autocomplete="off">`;
}

export function redirectUrisField(value: string): Html {
  return html`<label for="redirect_uris">Redirect URIs</label>
  <span class="hint" id="redirect-hint">One per line. Each must match exactly what your app sends: https, or http for localhost and loopback only.</span>
  <textarea id="redirect_uris" name="redirect_uris" required aria-describedby="redirect-hint" spellcheck="false" autocapitalize="off">${value}</textarea>`;
}

/** Every scope Grantboard recognises, as checkboxes with what each lets the app do. */
export function scopesField(checked: readonly string[]): Html {
  return html`<fieldset>
    <legend>Permissions (scopes)</legend>
    <p class="hint">Choose only what the app needs. Users see these descriptions when they install the app.</p>
    <ul class="checks">${SCOPE_NAMES.map(
      (scope) =>
        html`<li><label class="check"><input type="checkbox" name="scopes" value="${scope}"${checked.includes(scope) ? html` checked` : ''}><span><strong><code>${scope}</code></strong><span class="hint">${describeScope(scope)}</span></span></label></li>`,
    )}</ul>
  </fieldset>`;
}

export function teamField(teams: TeamMembership[], selected: string): Html {
  return html`<label for="team_id">Developer team</label>
  <span class="hint" id="team-hint">Every member of this team can manage the app.</span>
  <select id="team_id" name="team_id" required aria-describedby="team-hint">
    ${teams.map((t) => html`<option value="${t.id}"${t.id === selected ? html` selected` : ''}>${t.name}</option>`)}
  </select>`;
}

export function tokenModeField(expiring: boolean): Html {
  return html`<fieldset>
    <legend>Access tokens</legend>
    <p class="warning" id="token-mode-warning"><strong>This cannot be changed after the app is created.</strong></p>
    <label class="check"><input type="radio" name="token_mode" value="expiring"${expiring ? html` checked` : ''} aria-describedby="token-mode-warning"><span><strong>Expiring (recommended)</strong><span class="hint">An access token lasts 1 hour; a refresh token gets a new one and is rotated on every use.</span></span></label>
    <label class="check"><input type="radio" name="token_mode" value="non_expiring"${expiring ? '' : html` checked`} aria-describedby="token-mode-warning"><span><strong>Non-expiring</strong><span class="hint">One access token that lasts until the app is uninstalled or the token is revoked.</span></span></label>
  </fieldset>`;
}

export function clientTypeField(isPublic: boolean): Html {
  return html`<fieldset>
    <legend>Client type</legend>
    <label class="check"><input type="radio" name="client_type" value="confidential"${isPublic ? '' : html` checked`}><span><strong>Confidential</strong><span class="hint">The app has a back end that keeps a client secret.</span></span></label>
    <label class="check"><input type="radio" name="client_type" value="public"${isPublic ? html` checked` : ''}><span><strong>Public</strong><span class="hint">A single-page, mobile or command-line app: no client secret, PKCE required.</span></span></label>
  </fieldset>`;
}

/** The app URL: what a board loads in the app's sandboxed iframe for the Web SDK. */
export function sdkUriField(value: string): Html {
  return html`<label for="sdk_uri">App URL <span class="muted">(optional)</span></label>
  <span class="hint" id="sdk-uri-hint">For apps that run inside boards with the Web SDK: the page a board loads in the app's frame. https, or http for localhost; on an origin of its own, not Grantboard's.</span>
  <input id="sdk_uri" name="sdk_uri" type="url" value="${value}" aria-describedby="sdk-uri-hint" spellcheck="false" autocapitalize="off" autocomplete="off">`;
}

/** Miro's "Use this URI for SDK authorization": the redirect URI the code flow runs through when a board installs the app. */
export function sdkRedirectField(redirectUris: string[], selected: string): Html {
  return html`<label for="sdk_redirect_uri">Redirect URI for SDK authorization</label>
  <span class="hint" id="sdk-redirect-hint">When a user installs the app from a board, the OAuth code flow runs alongside through this URI, so your back end gets a REST API token too. Your back end then sends the browser to <code>/app-install-completed?client_id=…&amp;team_id=…</code>.</span>
  <select id="sdk_redirect_uri" name="sdk_redirect_uri" aria-describedby="sdk-redirect-hint">
    <option value=""${selected === '' ? html` selected` : ''}>None (the Web SDK only)</option>
    ${redirectUris.map((uri) => html`<option value="${uri}"${uri === selected ? html` selected` : ''}>${uri}</option>`)}
  </select>`;
}
