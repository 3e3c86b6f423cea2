import { SCOPES } from '@grantboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationError } from '../src/domain/errors.js';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { type Browser, sessionCsrf, signIn } from './helpers/web.js';

// Names that display as something they are not, or hide characters (docs/security.md).
const HOSTILE_NAMES: [string, string][] = [
  ['right-to-left override', 'Board\u202Egnp.exe'],
  ['left-to-right isolate', 'Board \u2066Helper\u2069'],
  ['zero-width space', 'Mi\u200Bro'],
  ['zero-width joiner', 'Mi\u200Dro'],
  ['byte order mark', '\uFEFFBoard'],
  ['soft hyphen', 'Bo\u00ADard'],
  ['no-break space', 'Board\u00A0Helper'],
  ['ideographic space', 'Board\u3000Helper'],
  ['hangul filler', '\u3164'],
  ['line separator', 'Board\u2028Helper'],
  ['bell', 'Board\u0007'],
  ['combining grapheme joiner', 'Bo\u034Fard'],
];

// Hosts the URL parser accepts but that are not hostnames: each could add a CSP directive.
const HOSTILE_URLS = [
  "https://app.example;script-src 'unsafe-inline'/cb",
  'https://app.example,evil.example/cb',
  'https://app.example;/cb',
  "https://app'x.example/cb",
  'https://app"x.example/cb',
  'https://app%3Bx.example/cb',
  'https://app_x.example/cb',
];

/** The text of a page without its markup, whitespace collapsed: what a reader sees. */
function text(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The directives of a CSP header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe.each(DIALECTS)('app identity and hostile names and hosts on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    alice = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(() => t?.close());

  const create = async (fields: Record<string, string | string[]>) =>
    alice.post('/apps', {
      csrf: await sessionCsrf(alice),
      name: 'Planner',
      team_id: t.seed.teamId,
      redirect_uris: 'https://planner.example/cb',
      scopes: ['boards:read'],
      token_mode: 'expiring',
      client_type: 'confidential',
      ...fields,
    });

  const update = async (fields: Record<string, string | string[]>) => {
    const appId = t.seed.expiringApp.id;
    return alice.post(`/apps/${appId}`, {
      csrf: await sessionCsrf(alice, `/apps/${appId}`),
      name: 'Expiring',
      redirect_uris: `${REDIRECT_URI}\nhttp://127.0.0.1/native`,
      scopes: ['boards:read', 'boards:write'],
      ...fields,
    });
  };

  const appCount = async () => (await t.repos.apps.list()).length;

  it.each(HOSTILE_NAMES)('refuses an app name with a %s on create, on update and in the domain', async (_, name) => {
    const before = await appCount();
    const created = await create({ name });
    expect(created.statusCode).toBe(400);
    expect(created.body).toContain('aria-invalid="true"');
    expect(created.body).toContain('aria-describedby="name-hint name-error"');
    expect(created.body).toMatch(
      /<p class="field-error" id="name-error">The app name must not contain invisible, formatting or control characters \(found U\+[0-9A-F]{4}\)\.<\/p>/,
    );
    expect(await appCount()).toBe(before);
    const updated = await update({ name });
    expect(updated.statusCode).toBe(400);
    expect(updated.body).toContain('id="name-error"');
    expect((await t.repos.apps.findById(t.seed.expiringApp.id))?.name).toBe('Expiring');
    // The CLI and any registration endpoint call the same service.
    await expect(
      t.services.apps.create({ ...baseApp(), name }).catch((e: unknown) => (e as ValidationError).field),
    ).resolves.toBe('name');
  });

  const baseApp = () => ({
    name: 'Planner',
    teamId: t.seed.teamId,
    createdBy: t.seed.alice.id,
    redirectUris: ['https://planner.example/cb'],
    scopes: ['boards:read'],
    expiring: true,
  });

  it('accepts names in any script, with emoji and punctuation', async () => {
    for (const name of ['Доска Планер', '看板助手', 'لوحة', 'Board ✨ Helper', "O'Brien & Co. (beta)"]) {
      const { app } = await t.services.apps.create({ ...baseApp(), name });
      expect(app.name).toBe(name);
    }
  });

  it.each(HOSTILE_URLS)('refuses %s as a redirect URI and as an App URL, on create and update', async (url) => {
    const before = await appCount();
    const asRedirect = await create({ redirect_uris: url });
    expect(asRedirect.statusCode).toBe(400);
    expect(asRedirect.body).toContain('id="redirect_uris-error"');
    expect(text(asRedirect.body)).toMatch(/has a host that is not a hostname or IP address|is not an absolute URI/);
    const asAppUrl = await create({ sdk_uri: url });
    expect(asAppUrl.statusCode).toBe(400);
    expect(asAppUrl.body).toContain('id="sdk_uri-error"');
    expect(await appCount()).toBe(before);
    expect((await update({ redirect_uris: url })).statusCode).toBe(400);
    expect((await update({ sdk_uri: url })).statusCode).toBe(400);
    const app = (await t.repos.apps.findById(t.seed.expiringApp.id))!;
    expect(app.redirectUris).toEqual([REDIRECT_URI, 'http://127.0.0.1/native']);
    expect(app.sdkUri).toBeNull();
  });

  it('accepts hostnames, IDNs, IP literals and localhost as hosts', async () => {
    const { app } = await t.services.apps.create({
      ...baseApp(),
      redirectUris: [
        'https://bücher.example/cb',
        'https://203.0.113.9/cb',
        'http://[::1]:8080/cb',
        'http://localhost:3001/cb',
        'com.example.planner:/oauth',
      ],
      sdkUri: 'https://sub.planner-app.example:8443/app/',
    });
    expect(app.redirectUris[0]).toBe('https://bücher.example/cb');
  });

  it('refuses wildcard redirect hosts and an App URL on Grantboard’s own origin', async () => {
    const wildcard = await create({ redirect_uris: 'https://*.planner.example/cb' });
    expect(wildcard.statusCode).toBe(400);
    expect(text(wildcard.body)).toContain(
      "Redirect URI 'https://*.planner.example/cb' must name one host: wildcards are not allowed.",
    );
    const own = await create({ sdk_uri: `${t.config.publicUrl}/apps` });
    expect(own.statusCode).toBe(400);
    expect(own.body).toContain(
      `<p class="field-error" id="sdk_uri-error">App URL &#39;${t.config.publicUrl}/apps&#39; is on Grantboard&#39;s own origin; serve the app from an origin of its own.</p>`,
    );
  });

  it('quotes a long value cut short in the message, and keeps the whole value in the field', async () => {
    const long = `http://planner.example/${'x'.repeat(1500)}`;
    const response = await create({ redirect_uris: long });
    expect(response.statusCode).toBe(400);
    const message = /<p class="field-error" id="redirect_uris-error">([^<]*)<\/p>/.exec(response.body)?.[1];
    expect(message).toBe(
      `Redirect URI &#39;http://planner.example/${'x'.repeat(36)}…&#39; must use https (http is allowed for loopback and localhost only).`,
    );
    expect(response.body).toContain(`${long}</textarea>`);
  });

  it('shows the description, logo and links on the consent page, with the logo origin alone added to img-src', async () => {
    const response = await update({
      name: 'Expiring',
      description: 'Plans your sprints.\nOn every board.',
      logo_url: 'https://cdn.planner.example/logo.png',
      homepage_url: 'https://planner.example/',
      privacy_url: 'https://planner.example/privacy',
      terms_url: 'http://localhost:4000/terms',
    });
    expect(response.statusCode).toBe(303);
    const consent = await alice.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI })}`,
    );
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain(
      '<img class="app-icon" src="https://cdn.planner.example/logo.png" alt="" width="52" height="52" referrerpolicy="no-referrer" loading="lazy" decoding="async">',
    );
    expect(consent.body).toContain('<p class="app-description">Plans your sprints.\nOn every board.</p>');
    expect(consent.body).toContain(
      '<a href="https://planner.example/privacy" rel="noopener noreferrer nofollow">Privacy policy</a>',
    );
    expect(consent.body).toContain(
      '<a href="http://localhost:4000/terms" rel="noopener noreferrer nofollow">Terms of service</a>',
    );
    expect(text(consent.body)).toContain('Developed by the Design team');
    // No style attribute or CSS carries the logo: it is an <img>, nothing else.
    expect(consent.body).not.toMatch(/style=|url\(/);
    const csp = directives(consent.headers['content-security-policy'] as string);
    expect([...csp.keys()]).toEqual([
      'default-src',
      'style-src',
      'img-src',
      'form-action',
      'frame-ancestors',
      'base-uri',
    ]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'https://cdn.planner.example']);
    expect(csp.get('form-action')).toEqual(["'self'", 'https://app.example']);
    const page = await alice.get(`/apps/${t.seed.expiringApp.id}`);
    expect(page.body).toContain('value="https://cdn.planner.example/logo.png"');
    expect(page.body).toContain('Plans your sprints.\nOn every board.</textarea>');
  });

  it('removes an identity field emptied in the form', async () => {
    expect((await update({ logo_url: '', privacy_url: '' })).statusCode).toBe(303);
    const app = (await t.repos.apps.findById(t.seed.expiringApp.id))!;
    expect(app.identity).toMatchObject({ logoUrl: null, privacyUrl: null, homepageUrl: null });
  });

  it.each([
    ['logo_url', 'javascript:alert(1)', 'The logo URL'],
    ['logo_url', 'data:image/svg+xml,<svg onload=alert(1)>', 'The logo URL'],
    ['logo_url', '//evil.example/logo.png', 'The logo URL'],
    ['logo_url', 'http://evil.example/logo.png', 'The logo URL'],
    ['logo_url', "https://cdn.example;script-src 'unsafe-inline'/x.png", 'The logo URL'],
    ['homepage_url', 'javascript:alert(1)', 'The homepage URL'],
    ['privacy_url', 'ftp://planner.example/privacy', 'The privacy policy URL'],
    ['terms_url', 'https://user:pw@planner.example/terms', 'The terms of service URL'],
  ])('refuses %s %s, next to the field', async (field, value, label) => {
    const response = await create({ [field]: value });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(`id="${field}-error"`);
    expect(text(response.body)).toContain(label);
    expect(response.body).toContain(`aria-describedby="${field}-hint ${field}-error"`);
  });

  it('accepts a logo path on Grantboard’s own origin without widening img-src', async () => {
    expect((await update({ logo_url: '/favicon.svg' })).statusCode).toBe(303);
    const page = await alice.get(`/apps/${t.seed.expiringApp.id}`);
    expect(page.body).toContain('<img class="app-icon" src="/favicon.svg"');
    expect(directives(page.headers['content-security-policy'] as string).get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('refuses a description with hidden characters or over 300 characters', async () => {
    const hidden = await create({ description: 'Plans\u202Esprints' });
    expect(hidden.statusCode).toBe(400);
    expect(hidden.body).toContain('id="description-error"');
    const long = await create({ description: 'x'.repeat(301) });
    expect(text(long.body)).toContain('The description must be at most 300 characters.');
  });

  it('groups the scopes in the form, each with a description of its own', async () => {
    const form = (await alice.get('/apps/new')).body;
    const groups = [...form.matchAll(/<h4 class="scope-group">([^<]+)<\/h4>/g)].map((m) => m[1]);
    expect(groups).toEqual([
      'Boards',
      'You and your team',
      'Inside the app on a board',
      'Organization (Enterprise plan)',
    ]);
    for (const scope of Object.keys(SCOPES)) expect(form).toContain(`value="${scope}"`);
    const descriptions = Object.values(SCOPES);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });
});
