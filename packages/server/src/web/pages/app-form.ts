import { SCOPE_NAMES } from '@grantboard/protocol';
import type { IdentityInput } from '../../domain/app-service.js';
import type { ValidationError } from '../../domain/errors.js';
import type { TeamMembership } from '../../domain/model.js';
import { type Html, html } from '../../http/html.js';
import { describeScope } from '../format.js';

/**
 * A refused form's error, shown next to its field (`aria-describedby`, `aria-invalid`) and once
 * above the form, linked to that field. `control` is the id of the form control the error is about.
 */
export interface FormError {
  message: string;
  control: string | undefined;
}

// The domain names a field by its property; the form by its control's id.
const CONTROLS: Record<string, string> = {
  name: 'name',
  teamId: 'team_id',
  redirectUris: 'redirect_uris',
  sdkUri: 'sdk_uri',
  sdkRedirectUri: 'sdk_redirect_uri',
  scopes: 'scopes',
  expiring: 'token_mode',
  description: 'description',
  logoUrl: 'logo_url',
  homepageUrl: 'homepage_url',
  privacyUrl: 'privacy_url',
  termsUrl: 'terms_url',
};

export function formError(error: ValidationError): FormError {
  return { message: error.message, control: error.field === undefined ? undefined : CONTROLS[error.field] };
}

/** The summary above a refused form: what is wrong, with a link to the field. */
export function errorSummary(error: FormError | undefined): Html | '' {
  if (!error) return '';
  return html`<div class="error" role="alert" id="form-error"><p>${
    error.control ? html`<a href="#${error.control}">${error.message}</a>` : error.message
  }</p></div>`;
}

/** The error line under a field, when the form's error is about it. */
function fieldError(control: string, error: FormError | undefined): Html | '' {
  return error?.control === control ? html`<p class="field-error" id="${control}-error">${error.message}</p>` : '';
}

/** `aria-describedby` (the hint, then the error when there is one) and `aria-invalid`. */
function describedBy(control: string, hint: string | undefined, error: FormError | undefined): Html {
  const ids = [hint, error?.control === control ? `${control}-error` : undefined].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${error?.control === control ? html` aria-invalid="true"` : ''}`;
}

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
  identity: IdentityValues;
}

/** The identity fields as typed. */
export interface IdentityValues {
  description: string;
  logoUrl: string;
  homepageUrl: string;
  privacyUrl: string;
  termsUrl: string;
}

/** Reads the identity fields of the create and edit forms. */
export function readIdentity(form: URLSearchParams): IdentityValues {
  const field = (name: string, max: number) => (form.get(name) ?? '').slice(0, max);
  return {
    description: field('description', 2000),
    logoUrl: field('logo_url', 4000),
    homepageUrl: field('homepage_url', 4000),
    privacyUrl: field('privacy_url', 4000),
    termsUrl: field('terms_url', 4000),
  };
}

/** The identity as the domain takes it: every field given, so an emptied field is removed. */
export function identityInput(values: IdentityValues): IdentityInput {
  return { ...values };
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
    sdkUri: (form.get('sdk_uri') ?? '').trim().slice(0, 4000),
    identity: readIdentity(form),
  };
}

export function redirectUriLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function nameField(value: string, error?: FormError): Html {
  return html`<label for="name">App name</label>
  <span class="hint" id="name-hint">Users see it when they install the app: 1 to 60 characters, no invisible or formatting characters.</span>
  <input id="name" name="name" type="text" required maxlength="60" value="${value}" autocomplete="off"${describedBy('name', 'name-hint', error)}>
  ${fieldError('name', error)}`;
}

export function redirectUrisField(value: string, error?: FormError): Html {
  return html`<label for="redirect_uris">Redirect URIs</label>
  <span class="hint" id="redirect-hint">One per line. Each must match exactly what your app sends: https, or http for localhost and loopback only; one host each, no wildcards.</span>
  <textarea id="redirect_uris" name="redirect_uris" required spellcheck="false" autocapitalize="off"${describedBy('redirect_uris', 'redirect-hint', error)}>${value}</textarea>
  ${fieldError('redirect_uris', error)}`;
}

/** The description and links users see on the install & authorize page. */
export function identityFields(values: IdentityValues, error?: FormError): Html {
  // The logo may be a path on this origin, which a browser's type="url" check would refuse.
  const link = (control: string, label: string, value: string, hint: string) =>
    html`<label for="${control}">${label} <span class="muted">(optional)</span></label>
  <span class="hint" id="${control}-hint">${hint}</span>
  <input id="${control}" name="${control}" ${control === 'logo_url' ? html`type="text" inputmode="url"` : html`type="url"`} value="${value}" spellcheck="false" autocapitalize="off" autocomplete="off"${describedBy(control, `${control}-hint`, error)}>
  ${fieldError(control, error)}`;
  return html`<fieldset>
    <legend>What users see about the app</legend>
    <label for="description">Description <span class="muted">(optional)</span></label>
    <span class="hint" id="description-hint">What the app does, in up to 300 characters. Shown when users install the app.</span>
    <textarea id="description" name="description" class="short"${describedBy('description', 'description-hint', error)}>${values.description}</textarea>
    ${fieldError('description', error)}
    ${link('logo_url', 'Logo URL', values.logoUrl, 'A square image: an https URL (http for localhost), or a path on this Grantboard.')}
    ${link('homepage_url', 'Homepage', values.homepageUrl, 'https, or http for localhost.')}
    ${link('privacy_url', 'Privacy policy', values.privacyUrl, 'https, or http for localhost.')}
    ${link('terms_url', 'Terms of service', values.termsUrl, 'https, or http for localhost.')}
  </fieldset>`;
}

/** Scopes by what they reach, as Miro's console groups them; a scope no group names goes last. */
const SCOPE_GROUPS: { title: string; scopes: string[] }[] = [
  { title: 'Boards', scopes: ['boards:read', 'boards:write', 'boards:export'] },
  { title: 'You and your team', scopes: ['identity:read', 'identity:write', 'team:read', 'team:write'] },
  { title: 'Inside the app on a board', scopes: ['microphone:listen', 'screen:record', 'webcam:record'] },
  {
    title: 'Organization (Enterprise plan)',
    scopes: [
      'organizations:read',
      'organizations:teams:read',
      'organizations:teams:write',
      'organizations:groups:read',
      'organizations:groups:write',
      'projects:read',
      'projects:write',
      'auditlogs:read',
      'contentlogs:export',
      'aiinteractionlogs:read',
      'sessions:delete',
      'organizations:cases:management',
      'organization:cases:management',
    ],
  },
];

function scopeGroups(): { title: string; scopes: string[] }[] {
  const grouped = new Set(SCOPE_GROUPS.flatMap((g) => g.scopes));
  const rest = SCOPE_NAMES.filter((s) => !grouped.has(s));
  return [...SCOPE_GROUPS, ...(rest.length > 0 ? [{ title: 'Other', scopes: rest }] : [])].map((g) => ({
    title: g.title,
    scopes: g.scopes.filter((s) => (SCOPE_NAMES as string[]).includes(s)),
  }));
}

/** Every scope Grantboard recognises, grouped, as checkboxes with what each lets the app do. */
export function scopesField(checked: readonly string[], error?: FormError): Html {
  return html`<fieldset id="scopes"${describedBy('scopes', 'scopes-hint', error)}>
    <legend>Permissions (scopes)</legend>
    <p class="hint" id="scopes-hint">Choose only what the app needs. Users see these descriptions when they install the app.</p>
    ${fieldError('scopes', error)}
    ${scopeGroups().map(
      (group) => html`<h4 class="scope-group">${group.title}</h4>
    <ul class="checks">${group.scopes.map(
      (scope) =>
        html`<li><label class="check"><input type="checkbox" name="scopes" value="${scope}"${checked.includes(scope) ? html` checked` : ''}><span><strong><code>${scope}</code></strong><span class="hint">${describeScope(scope)}</span></span></label></li>`,
    )}</ul>`,
    )}
  </fieldset>`;
}

export function teamField(teams: TeamMembership[], selected: string, error?: FormError): Html {
  return html`<label for="team_id">Developer team</label>
  <span class="hint" id="team-hint">Every member of this team can manage the app.</span>
  ${fieldError('team_id', error)}
  <select id="team_id" name="team_id" required${describedBy('team_id', 'team-hint', error)}>
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
export function sdkUriField(value: string, error?: FormError): Html {
  return html`<label for="sdk_uri">App URL <span class="muted">(optional)</span></label>
  <span class="hint" id="sdk-uri-hint">For apps that run inside boards with the Web SDK: the page a board loads in the app's frame. https, or http for localhost; on an origin of its own, not Grantboard's.</span>
  <input id="sdk_uri" name="sdk_uri" type="url" value="${value}" spellcheck="false" autocapitalize="off" autocomplete="off"${describedBy('sdk_uri', 'sdk-uri-hint', error)}>
  ${fieldError('sdk_uri', error)}`;
}

/** Miro's "Use this URI for SDK authorization": the redirect URI the code flow runs through when a board installs the app. */
export function sdkRedirectField(redirectUris: string[], selected: string, error?: FormError): Html {
  return html`<label for="sdk_redirect_uri">Redirect URI for SDK authorization</label>
  <span class="hint" id="sdk-redirect-hint">When a user installs the app from a board, the OAuth code flow runs alongside through this URI, so your back end gets a REST API token too. Your back end then sends the browser to <code>/app-install-completed?client_id=…&amp;team_id=…</code>.</span>
  ${fieldError('sdk_redirect_uri', error)}
  <select id="sdk_redirect_uri" name="sdk_redirect_uri"${describedBy('sdk_redirect_uri', 'sdk-redirect-hint', error)}>
    <option value=""${selected === '' ? html` selected` : ''}>None (the Web SDK only)</option>
    ${redirectUris.map((uri) => html`<option value="${uri}"${uri === selected ? html` selected` : ''}>${uri}</option>`)}
  </select>`;
}
