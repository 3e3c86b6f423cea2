import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { bearer, issueCode, obtainTokens, tokenRequest } from './helpers/oauth.js';
import { type Browser, browser, csrfOf, sessionCsrf, signIn } from './helpers/web.js';

function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams({ response_type: 'code', ...params })}`;
}

/** The text of a page without its markup, whitespace collapsed: what a reader sees. */
function text(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe.each(DIALECTS)('install & authorize, console, team settings and profile on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  let bob: Browser;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    [alice, bob] = await Promise.all([signIn(t.app, t.seed.alice.email), signIn(t.app, t.seed.bob.email)]);
  });
  afterAll(() => t?.close());

  const consent = (b: Browser, extra: Record<string, string> = {}) =>
    b.get(authorizeUrl({ client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI, state: 's1', ...extra }));

  describe('install & authorize page', () => {
    it('sends an anonymous user to sign in and back', async () => {
      const url = authorizeUrl({ client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI });
      const response = await browser(t.app).get(url);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/signin?return_to=${encodeURIComponent(url)}`);
    });

    it('authenticates the user before an error redirect (RFC 9700 §4.11.2)', async () => {
      const url = authorizeUrl({
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        response_type: 'token',
      });
      const anonymous = await browser(t.app).get(url);
      expect(anonymous.headers.location).toMatch(/^\/signin\?return_to=/);
      const signedIn = await alice.get(url);
      expect(signedIn.headers.location).toMatch(/^https:\/\/app\.example\/callback\?error=unsupported_response_type&/);
    });

    it('shows an error page, and never redirects, for an unregistered redirect URI or unknown client', async () => {
      for (const params of [
        { client_id: t.seed.expiringApp.id, redirect_uri: 'https://evil.example/callback' },
        { client_id: t.seed.expiringApp.id, redirect_uri: `${REDIRECT_URI}/` },
        { client_id: '12345', redirect_uri: REDIRECT_URI },
      ]) {
        for (const b of [alice, browser(t.app)]) {
          const response = await b.get(authorizeUrl(params));
          expect(response.statusCode).toBe(400);
          expect(response.headers.location).toBeUndefined();
          expect(response.body).toContain('This app cannot be authorized');
        }
      }
      const wrongUri = await alice.get(
        authorizeUrl({ client_id: t.seed.expiringApp.id, redirect_uri: 'https://evil.example/' }),
      );
      expect(text(wrongUri.body)).toContain('The redirect_uri is not registered for Expiring. It must match exactly.');
    });

    it('shows the app, its developer, scopes grouped read and write, token lifetime and the teams', async () => {
      const body = text((await consent(bob)).body);
      expect(body).toContain('Install & authorize Expiring');
      expect(body).toContain('Developed by the Design team');
      expect(body).toMatch(
        /Read See your data Read boards, board members and items boards:read Write Make changes Create, update and delete boards, board members and items boards:write/,
      );
      expect(body).toContain('Its access token expires after an hour');
      expect(body).toContain('you will be sent to app.example');
      const forever = text(
        (await bob.get(authorizeUrl({ client_id: t.seed.nonExpiringApp.id, redirect_uri: REDIRECT_URI }))).body,
      );
      expect(forever).toContain('Its access token does not expire');
      expect(forever).not.toContain('Make changes');
    });

    it('preselects the requested team and shows a team where the user may not install disabled, with the reason', async () => {
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        const other = (await consent(bob, { team_id: t.seed.otherTeamId })).body;
        expect(other).toContain(`<option value="${t.seed.otherTeamId}" selected>Other</option>`);
        expect(other).toContain(
          `<option value="${t.seed.teamId}" disabled>Design (only team admins can install apps)</option>`,
        );
        const design = text((await consent(bob, { team_id: t.seed.teamId })).body);
        expect(design).toContain('Expiring asked for Design, where only team admins can install apps.');
        // Posting the refused team anyway is refused.
        const response = await bob.post('/oauth/authorize', {
          csrf: await sessionCsrf(bob),
          response_type: 'code',
          client_id: t.seed.expiringApp.id,
          redirect_uri: REDIRECT_URI,
          team_id: t.seed.teamId,
          decision: 'allow',
        });
        expect(response.statusCode).toBe(403);
        expect(response.headers.location).toBeUndefined();
        expect(text(response.body)).toContain('Only team admins can install apps in this team.');
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
      }
    });

    it('offers no Allow and no empty picker when the user may install in none of their teams, and says why and whom to ask', async () => {
      const user = await t.services.accounts.createUser({
        email: 'erin@example.com',
        password: 'erin-password',
        name: 'Erin',
      });
      await t.services.accounts.addMember(t.seed.teamId, user.id, 'member');
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        const erin = await signIn(t.app, 'erin@example.com', 'erin-password');
        const body = (await consent(erin)).body;
        expect(body).not.toContain('value="allow"');
        expect(body).not.toContain('<select');
        expect(body).toContain('>Cancel</button>');
        expect(text(body)).toContain(
          'You cannot install or authorize Expiring in any of your teams: Design: only team admins can install apps. Ask Alice (an admin of Design).',
        );
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
      }
    });

    it('lets a member where only admins install authorize an app an admin installed, within its scopes', async () => {
      const { app, clientSecret } = await t.services.apps.create({
        name: 'Admin Pick',
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        redirectUris: [REDIRECT_URI],
        scopes: ['boards:read', 'boards:write'],
        expiring: true,
      });
      const user = await t.services.accounts.createUser({
        email: 'frank@example.com',
        password: 'frank-password',
        name: 'Frank',
      });
      await t.services.accounts.addMember(t.seed.teamId, user.id, 'member');
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      const frank = await signIn(t.app, 'frank@example.com', 'frank-password');
      const page = (scope?: string) =>
        frank.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT_URI, ...(scope ? { scope } : {}) }));
      const decide = async (b: Browser, scope: string) =>
        b.post('/oauth/authorize', {
          csrf: await sessionCsrf(b),
          response_type: 'code',
          client_id: app.id,
          redirect_uri: REDIRECT_URI,
          team_id: t.seed.teamId,
          scope,
          decision: 'allow',
        });
      try {
        // Not installed yet: the member may not install it, and is told whom to ask.
        expect(text((await page('boards:read')).body)).toContain(
          'Design: only team admins can install apps. Ask Alice (an admin of Design).',
        );
        expect((await decide(frank, 'boards:read')).statusCode).toBe(403);
        expect(await t.repos.installations.find(app.id, t.seed.teamId)).toBeUndefined();

        // An admin installs it with boards:read…
        expect((await decide(alice, 'boards:read')).statusCode).toBe(303);
        // …and the member may now authorize it as installed: the team can be chosen, Allow is there.
        const allowed = (await page('boards:read')).body;
        expect(allowed).toContain(`<option value="${t.seed.teamId}" selected>Design</option>`);
        expect(allowed).toContain('value="allow"');
        const response = await decide(frank, 'boards:read');
        expect(response.statusCode).toBe(303);
        const code = new URL(response.headers.location as string).searchParams.get('code');
        expect(code).toMatch(/^gbc_/);
        const exchange = await tokenRequest(t.app, {
          grant_type: 'authorization_code',
          client_id: app.id,
          client_secret: clientSecret!,
          code: code!,
          redirect_uri: REDIRECT_URI,
        });
        expect(exchange.statusCode).toBe(200);
        expect(exchange.json()).toMatchObject({ user_id: user.id, team_id: t.seed.teamId, scope: 'boards:read' });
        // The installation stays the admin's, with its scopes.
        expect(await t.repos.installations.find(app.id, t.seed.teamId)).toMatchObject({
          installedBy: t.seed.alice.id,
          scopes: ['boards:read'],
        });

        // Scopes beyond the installation stay an admin's decision.
        const wider = await page();
        expect(wider.body).not.toContain('value="allow"');
        expect(text(wider.body)).toContain(
          'Design: only team admins can add boards:write. Ask Alice (an admin of Design).',
        );
        const refused = await decide(frank, 'boards:read boards:write');
        expect(refused.statusCode).toBe(403);
        expect(refused.headers.location).toBeUndefined();
        expect(text(refused.body)).toContain(
          'Only team admins can install apps in this team, and Admin Pick is installed there without boards:write. Ask Alice (an admin of Design).',
        );
        expect((await t.repos.installations.find(app.id, t.seed.teamId))?.scopes).toEqual(['boards:read']);
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
        await t.services.apps.remove(app.id, null);
      }
    });

    it('lets the user switch accounts and come back to the same request', async () => {
      const b = await signIn(t.app, t.seed.bob.email);
      const url = authorizeUrl({ client_id: t.seed.expiringApp.id, redirect_uri: REDIRECT_URI, state: 's1' });
      const page = await b.get(url);
      expect(text(page.body)).toContain('You are signed in as Bob (bob@example.com). Not you? Switch account');
      const response = await b.post('/signout', { csrf: csrfOf(page.body), return_to: url });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/signin?return_to=${encodeURIComponent(url)}`);
      expect((await b.get(url)).statusCode).toBe(303);
    });

    it('does not offer a team the user is not a member of', async () => {
      const body = (await consent(alice, { team_id: t.seed.otherTeamId })).body;
      expect(body).not.toContain(`value="${t.seed.otherTeamId}"`);
      expect(text(body)).toContain('Expiring asked for a team you are not a member of.');
    });

    it('redirects Cancel with access_denied and the state, with 303', async () => {
      const response = await alice.post('/oauth/authorize', {
        csrf: await sessionCsrf(alice),
        response_type: 'code',
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        state: 's1',
        team_id: t.seed.teamId,
        decision: 'deny',
      });
      expect(response.statusCode).toBe(303);
      const location = new URL(response.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        error: 'access_denied',
        error_description: 'The user denied the request.',
        state: 's1',
        iss: t.config.publicUrl,
      });
    });

    it('redirects Allow with a code, the state, the client and the chosen team, with 303', async () => {
      const response = await bob.post('/oauth/authorize', {
        csrf: await sessionCsrf(bob),
        response_type: 'code',
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        state: 's1',
        team_id: t.seed.otherTeamId,
        decision: 'allow',
      });
      expect(response.statusCode).toBe(303);
      const location = new URL(response.headers.location as string);
      expect(location.searchParams.get('code')).toMatch(/^gbc_/);
      expect(location.searchParams.get('state')).toBe('s1');
      expect(location.searchParams.get('client_id')).toBe(t.seed.expiringApp.id);
      expect(location.searchParams.get('team_id')).toBe(t.seed.otherTeamId);
      expect(await t.repos.installations.find(t.seed.expiringApp.id, t.seed.otherTeamId)).toMatchObject({
        installedBy: t.seed.bob.id,
      });
    });
  });

  describe('developer console', () => {
    const createForm = async (b: Browser, fields: Record<string, string | string[]>) =>
      b.post('/apps', {
        csrf: await sessionCsrf(b),
        name: 'Reporter',
        team_id: t.seed.otherTeamId,
        redirect_uris: 'https://reporter.example/cb\r\nhttp://localhost:3001/cb',
        scopes: ['boards:read', 'team:read'],
        token_mode: 'non_expiring',
        client_type: 'confidential',
        ...fields,
      });

    it('lists the apps of the user’s teams only', async () => {
      const body = text((await alice.get('/apps')).body);
      expect(body).toContain('Expiring');
      expect(body).toContain('Public SPA');
      const other = await t.services.apps.create({
        name: 'Other team app',
        teamId: t.seed.otherTeamId,
        createdBy: t.seed.bob.id,
        redirectUris: [REDIRECT_URI],
        scopes: ['boards:read'],
        expiring: true,
      });
      expect(text((await alice.get('/apps')).body)).not.toContain('Other team app');
      expect(text((await bob.get('/apps')).body)).toContain('Other team app');
      // Alice is not in Other: the app's pages do not exist for her.
      expect((await alice.get(`/apps/${other.app.id}`)).statusCode).toBe(404);
      const update = await alice.post(`/apps/${other.app.id}`, {
        csrf: await sessionCsrf(alice),
        name: 'Taken over',
        redirect_uris: 'https://evil.example/cb',
        scopes: 'boards:write',
      });
      expect(update.statusCode).toBe(404);
      expect((await t.repos.apps.findById(other.app.id))?.name).toBe('Other team app');
      expect((await alice.post(`/apps/${other.app.id}/secret`, { csrf: await sessionCsrf(alice) })).statusCode).toBe(
        404,
      );
      expect((await alice.post(`/apps/${other.app.id}/delete`, { csrf: await sessionCsrf(alice) })).statusCode).toBe(
        404,
      );
      expect(await t.repos.apps.findById(other.app.id)).toBeDefined();
    });

    it('creates an app and shows its secret once, then behind the reveal control', async () => {
      const response = await createForm(bob, {});
      expect(response.statusCode).toBe(303);
      const appId = /^\/apps\/(\d+)$/.exec(response.headers.location as string)?.[1];
      const app = (await t.repos.apps.findById(appId!))!;
      expect(app).toMatchObject({
        name: 'Reporter',
        teamId: t.seed.otherTeamId,
        scopes: ['boards:read', 'team:read'],
        expiring: false,
      });
      expect(app.redirectUris).toEqual(['https://reporter.example/cb', 'http://localhost:3001/cb']);
      const secret = t.services.apps.revealSecret(app)!;
      const first = await bob.get(`/apps/${appId}`);
      expect(first.body).toContain(`<code class="secret" id="client-secret">${secret}</code>`);
      expect(text(first.body)).toContain('Reporter is created.');
      const second = await bob.get(`/apps/${appId}`);
      expect(second.body).not.toContain(secret);
      expect(second.body).toContain('Reveal secret');
      const reveal = await bob.post(`/apps/${appId}/secret`, { csrf: await sessionCsrf(bob, `/apps/${appId}`) });
      expect(reveal.statusCode).toBe(303);
      expect(reveal.headers.location).toBe(`/apps/${appId}#credentials`);
      expect((await bob.get(`/apps/${appId}`)).body).toContain(secret);
      expect((await bob.get(`/apps/${appId}`)).body).not.toContain(secret);
    });

    it('keeps a refused form as the user typed it and says what is wrong', async () => {
      const response = await createForm(bob, { name: 'Bad URIs', redirect_uris: 'http://evil.example/cb' });
      expect(response.statusCode).toBe(400);
      expect(text(response.body)).toContain(
        "Redirect URI 'http://evil.example/cb' must use https (http is allowed for loopback and localhost only).",
      );
      expect(response.body).toContain('value="Bad URIs"');
      expect(response.body).toContain('http://evil.example/cb</textarea>');
      const foreign = await createForm(alice, { name: 'Foreign team' });
      expect(foreign.statusCode).toBe(400);
      expect(text(foreign.body)).toContain('Choose one of your teams as the developer team.');
      expect((await t.repos.apps.list()).some((a) => a.name === 'Bad URIs' || a.name === 'Foreign team')).toBe(false);
    });

    it('creates a public app without a secret', async () => {
      const response = await createForm(bob, { name: 'CLI', client_type: 'public', token_mode: 'expiring' });
      const appId = (response.headers.location as string).split('/')[2]!;
      const app = (await t.repos.apps.findById(appId))!;
      expect(app.isPublic).toBe(true);
      expect(app.expiring).toBe(true);
      const body = text((await bob.get(`/apps/${appId}`)).body);
      expect(body).toContain('None: this is a public app');
      expect(body).not.toContain('Reveal secret');
      expect(body).not.toContain('Rotate secret');
    });

    it('edits redirect URIs and scopes, and keeps the token mode locked', async () => {
      const app = (await t.repos.apps.list(t.seed.otherTeamId)).find((a) => a.name === 'Reporter')!;
      const page = await bob.get(`/apps/${app.id}`);
      expect(text(page.body)).toContain('Locked Non-expiring');
      expect(page.body).not.toContain('name="token_mode"');
      const response = await bob.post(`/apps/${app.id}`, {
        csrf: await sessionCsrf(bob, `/apps/${app.id}`),
        name: 'Reporter 2',
        redirect_uris: 'https://reporter.example/v2',
        scopes: ['boards:read', 'boards:write'],
        token_mode: 'expiring',
      });
      expect(response.statusCode).toBe(303);
      expect(await t.repos.apps.findById(app.id)).toMatchObject({
        name: 'Reporter 2',
        redirectUris: ['https://reporter.example/v2'],
        scopes: ['boards:read', 'boards:write'],
        expiring: false,
      });
      const refused = await bob.post(`/apps/${app.id}`, {
        csrf: await sessionCsrf(bob, `/apps/${app.id}`),
        name: 'Reporter 2',
        redirect_uris: 'https://reporter.example/v2',
        scopes: 'no:such',
      });
      expect(refused.statusCode).toBe(400);
      expect(text(refused.body)).toContain('Unknown scope: no:such.');
    });

    it('rotates the secret after a confirmation: the new one is shown, the old one works for the overlap', async () => {
      const app = (await t.repos.apps.list(t.seed.otherTeamId)).find((a) => a.name === 'Reporter 2')!;
      const old = t.services.apps.revealSecret(app)!;
      const response = await bob.post(`/apps/${app.id}/secret/rotate`, {
        csrf: await sessionCsrf(bob, `/apps/${app.id}`),
        confirm: 'rotate',
      });
      expect(response.statusCode).toBe(303);
      const rotated = (await t.repos.apps.findById(app.id))!;
      const fresh = t.services.apps.revealSecret(rotated)!;
      expect(fresh).not.toBe(old);
      expect(t.services.apps.secretMatches(rotated, old)).toBe(true);
      const page = text((await bob.get(`/apps/${app.id}`)).body);
      expect(page).toContain(fresh);
      expect(page).toContain('A new client secret is issued; the previous one keeps working for 24 hours.');
    });

    it('installs the app in the developer team and shows a working token once', async () => {
      const app = (await t.repos.apps.list(t.seed.otherTeamId)).find((a) => a.name === 'Reporter 2')!;
      const response = await bob.post(`/apps/${app.id}/token`, { csrf: await sessionCsrf(bob, `/apps/${app.id}`) });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/apps/${app.id}#token`);
      const page = (await bob.get(`/apps/${app.id}`)).body;
      const token = /id="access-token">(gba_[\w-]+)</.exec(page)?.[1];
      expect(token).toBeDefined();
      expect(text(page)).toContain('Never (until the app is uninstalled)');
      const context = await bearer(t.app, token!);
      expect(context.statusCode).toBe(200);
      expect(context.json()).toMatchObject({ team: { id: t.seed.otherTeamId }, user: { id: t.seed.bob.id } });
      expect(await t.repos.installations.find(app.id, t.seed.otherTeamId)).toBeDefined();
      expect((await bob.get(`/apps/${app.id}`)).body).not.toContain(token!);
    });

    it('refuses the token where the developer may not install apps', async () => {
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        const page = text((await bob.get(`/apps/${t.seed.expiringApp.id}`)).body);
        expect(page).toContain('Only team admins can install apps in this team.');
        const response = await bob.post(`/apps/${t.seed.expiringApp.id}/token`, { csrf: await sessionCsrf(bob) });
        expect(response.statusCode).toBe(403);
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
      }
    });

    it('gives a member the token where only admins install, once an admin installed the app', async () => {
      const { app } = await t.services.apps.create({
        name: 'Installed by admin',
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        redirectUris: [REDIRECT_URI],
        scopes: ['boards:read'],
        expiring: false,
      });
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        expect(text((await bob.get(`/apps/${app.id}`)).body)).toContain(
          'Only team admins can install apps in this team. Ask Alice (an admin of Design).',
        );
        expect((await bob.post(`/apps/${app.id}/token`, { csrf: await sessionCsrf(bob) })).statusCode).toBe(403);
        expect((await alice.post(`/apps/${app.id}/token`, { csrf: await sessionCsrf(alice) })).statusCode).toBe(303);
        const page = (await bob.get(`/apps/${app.id}`)).body;
        expect(page).not.toContain('Only team admins can install apps');
        expect((await bob.post(`/apps/${app.id}/token`, { csrf: csrfOf(page) })).statusCode).toBe(303);
        const token = /id="access-token">(gba_[\w-]+)</.exec((await bob.get(`/apps/${app.id}`)).body)?.[1];
        expect((await bearer(t.app, token!)).json()).toMatchObject({ user: { id: t.seed.bob.id } });
        expect(await t.repos.installations.find(app.id, t.seed.teamId)).toMatchObject({ installedBy: t.seed.alice.id });
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
        await t.services.apps.remove(app.id, null);
      }
    });
    it('deletes an app after a confirmation: its tokens die and its client id is gone', async () => {
      const app = (await t.repos.apps.list(t.seed.otherTeamId)).find((a) => a.name === 'Reporter 2')!;
      const tokens = await t.services.tokens.issue(app, {
        userId: t.seed.bob.id,
        teamId: t.seed.otherTeamId,
        scopes: ['boards:read'],
      });
      const confirm = text((await bob.get(`/apps/${app.id}/delete`)).body);
      expect(confirm).toContain('Delete Reporter 2?');
      expect(confirm).toContain('The app is installed in 1 team: Other.');
      const response = await bob.post(`/apps/${app.id}/delete`, { csrf: await sessionCsrf(bob) });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/apps');
      expect(text((await bob.get('/apps')).body)).toContain('Reporter 2 is deleted; 2 authorizations revoked.');
      expect(await t.repos.apps.findById(app.id)).toBeUndefined();
      expect(await t.repos.installations.find(app.id, t.seed.otherTeamId)).toBeUndefined();
      expect((await bearer(t.app, tokens.access_token)).statusCode).toBe(401);
      const authorize = await bob.get(authorizeUrl({ client_id: app.id, redirect_uri: 'https://reporter.example/v2' }));
      expect(authorize.statusCode).toBe(400);
      const log = text((await bob.get(`/teams/${t.seed.otherTeamId}/audit`)).body);
      expect(log).toContain('Reporter 2 was deleted; 2 authorizations revoked.');
    });
  });

  describe('team settings', () => {
    it('shows members the installed apps read-only', async () => {
      await t.services.installs.install(t.seed.nonExpiringApp, t.seed.teamId, t.seed.alice.id, ['boards:read']);
      const page = await bob.get(`/teams/${t.seed.teamId}/apps`);
      expect(page.statusCode).toBe(200);
      const body = text(page.body);
      expect(body).toContain('Forever');
      expect(body).toContain('Installed by Alice');
      expect(body).toContain('Only team admins can uninstall apps.');
      expect(page.body).not.toContain('/uninstall');
      expect(page.body).not.toContain('name="installs_admin_only"');
      expect(page.body).not.toContain('Audit log');
      const csrf = await sessionCsrf(bob);
      const url = `/teams/${t.seed.teamId}/apps/${t.seed.nonExpiringApp.id}/uninstall`;
      expect((await bob.get(url)).statusCode).toBe(403);
      expect((await bob.post(url, { csrf })).statusCode).toBe(403);
      expect(await t.repos.installations.find(t.seed.nonExpiringApp.id, t.seed.teamId)).toBeDefined();
      expect((await bob.get(`/teams/${t.seed.teamId}/audit`)).statusCode).toBe(403);
      expect((await bob.post(`/teams/${t.seed.teamId}/settings`, { csrf, installs_admin_only: '1' })).statusCode).toBe(
        403,
      );
      expect((await t.repos.teams.findById(t.seed.teamId))?.installs_admin_only).toBe(0);
    });

    it('hides a team from non-members', async () => {
      expect((await alice.get(`/teams/${t.seed.otherTeamId}/apps`)).statusCode).toBe(404);
      expect((await alice.get(`/teams/${t.seed.otherTeamId}/audit`)).statusCode).toBe(404);
      expect((await alice.get('/teams/not-a-team/apps')).statusCode).toBe(404);
    });

    it('lets an admin restrict installs to admins', async () => {
      const response = await alice.post(`/teams/${t.seed.teamId}/settings`, {
        csrf: await sessionCsrf(alice),
        installs_admin_only: '1',
      });
      expect(response.statusCode).toBe(303);
      expect((await t.repos.teams.findById(t.seed.teamId))?.installs_admin_only).toBe(1);
      expect(await t.services.installs.newInstallRefusal(t.seed.bob.id, t.seed.teamId)).toEqual({
        message: 'Only team admins can install apps in this team.',
        brief: 'only team admins can install apps',
        ask: { team: 'Design', admins: ['Alice'] },
      });
      await alice.post(`/teams/${t.seed.teamId}/settings`, { csrf: await sessionCsrf(alice) });
      expect((await t.repos.teams.findById(t.seed.teamId))?.installs_admin_only).toBe(0);
    });

    it('uninstalls after a confirmation, revoking every token of the app in the team at once', async () => {
      const forAlice = await obtainTokens(t, { app: t.seed.nonExpiringApp });
      const forBob = await obtainTokens(t, { app: t.seed.nonExpiringApp, userId: t.seed.bob.id });
      const list = text((await alice.get(`/teams/${t.seed.teamId}/apps`)).body);
      expect(list).toMatch(/Forever Installed by Alice on 2026-11-29 \d\d:\d\d UTC · authorized by 2 users/);
      const url = `/teams/${t.seed.teamId}/apps/${t.seed.nonExpiringApp.id}/uninstall`;
      const confirm = text((await alice.get(url)).body);
      expect(confirm).toContain('Uninstall Forever from Design?');
      expect(confirm).toContain('Every token of Forever in Design stops working at once, for every user.');
      const response = await alice.post(url, { csrf: await sessionCsrf(alice) });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/teams/${t.seed.teamId}/apps`);
      expect(text((await alice.get(`/teams/${t.seed.teamId}/apps`)).body)).toContain(
        'Forever is uninstalled from Design; 2 authorizations revoked.',
      );
      expect((await bearer(t.app, forAlice.access_token)).statusCode).toBe(401);
      expect((await bearer(t.app, forBob.access_token)).statusCode).toBe(401);
      expect((await alice.get(url)).statusCode).toBe(404);
    });

    it('shows admins the audit log: installs, uninstalls, revocations, reuse, rotations — who, what, when', async () => {
      const tokens = await obtainTokens(t, { userId: t.seed.bob.id });
      const first = await tokenRequest(t.app, {
        grant_type: 'refresh_token',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        refresh_token: tokens.refresh_token!,
      });
      expect(first.statusCode).toBe(200);
      t.clock.advance(120_000);
      await tokenRequest(t.app, {
        grant_type: 'refresh_token',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        refresh_token: tokens.refresh_token!,
      });
      const rotated = await t.services.apps.create({
        name: 'Rotated',
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        redirectUris: [REDIRECT_URI],
        scopes: ['boards:read'],
        expiring: true,
      });
      await t.services.apps.rotateSecret(rotated.app.id, t.seed.alice.id);
      const body = text((await alice.get(`/teams/${t.seed.teamId}/audit`)).body);
      expect(body).toMatch(
        /Refresh token reuse detected Grantboard A refresh token of Expiring for Bob was used again 120 s after it was rotated; the whole authorization was revoked\./,
      );
      expect(body).toMatch(/Client secret rotated Alice The client secret of Rotated was rotated\./);
      expect(body).toMatch(/App uninstalled Alice Forever was uninstalled; 2 authorizations revoked\./);
      expect(body).toMatch(/App installed Alice Forever was installed with scopes boards:read\./);
      expect(body).toMatch(/Team settings changed Alice Only team admins can install apps now\./);
    });
  });

  describe('authorized apps', () => {
    it('lists the user’s live authorizations per app and team, and revokes one', async () => {
      await t.services.installs.install(t.seed.nonExpiringApp, t.seed.teamId, t.seed.bob.id, ['boards:read']);
      const inDesign = await obtainTokens(t, { app: t.seed.nonExpiringApp, userId: t.seed.bob.id });
      const again = await obtainTokens(t, { app: t.seed.nonExpiringApp, userId: t.seed.bob.id });
      const inOther = await obtainTokens(t, { userId: t.seed.bob.id, teamId: t.seed.otherTeamId });
      const alices = await obtainTokens(t, { app: t.seed.nonExpiringApp });
      // A code Bob's browser received but the app has not redeemed yet dies with the grant too.
      const unredeemed = await issueCode(t, { app: t.seed.nonExpiringApp, userId: t.seed.bob.id });
      const page = text((await bob.get('/profile/apps')).body);
      expect(page).toMatch(/Expiring In team Other · authorized [^·]+ Revoke access/);
      expect(page).toMatch(/Forever In team Design · authorized [^·]+ · 2 active authorizations Revoke access/);
      expect(page).not.toContain('Public SPA');

      const response = await bob.post('/profile/apps/revoke', {
        csrf: await sessionCsrf(bob, '/profile/apps'),
        app_id: t.seed.nonExpiringApp.id,
        team_id: t.seed.teamId,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/profile/apps');
      const after = text((await bob.get('/profile/apps')).body);
      expect(after).toContain('Access of Forever is revoked.');
      expect(after).not.toMatch(/Forever In team Design/);
      expect((await bearer(t.app, inDesign.access_token)).statusCode).toBe(401);
      expect((await bearer(t.app, again.access_token)).statusCode).toBe(401);
      const exchange = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        code: unredeemed,
        redirect_uri: REDIRECT_URI,
        client_id: t.seed.nonExpiringApp.id,
        client_secret: t.seed.nonExpiringSecret,
      });
      expect(exchange.json()).toMatchObject({ error: 'invalid_grant' });
      // Only Bob's own authorizations: Alice's token for the same app and team still works.
      expect((await bearer(t.app, alices.access_token)).statusCode).toBe(200);
      expect((await bearer(t.app, inOther.access_token)).statusCode).toBe(200);
      expect(await t.repos.installations.find(t.seed.nonExpiringApp.id, t.seed.teamId)).toBeDefined();
    });

    it('cannot revoke another user’s authorization', async () => {
      const alices = await obtainTokens(t);
      const response = await bob.post('/profile/apps/revoke', {
        csrf: await sessionCsrf(bob, '/profile/apps'),
        app_id: t.seed.expiringApp.id,
        team_id: t.seed.teamId,
      });
      expect(response.statusCode).toBe(303);
      expect(text((await bob.get('/profile/apps')).body)).toContain('There was nothing to revoke.');
      expect((await bearer(t.app, alices.access_token)).statusCode).toBe(200);
    });

    it('drops authorizations whose tokens have all expired', async () => {
      const user = await t.services.accounts.createUser({
        email: 'dora@example.com',
        password: 'dora-password',
        name: 'Dora',
      });
      await t.services.accounts.addMember(t.seed.teamId, user.id, 'member');
      await obtainTokens(t, { userId: user.id });
      const dora = await signIn(t.app, 'dora@example.com', 'dora-password');
      expect(text((await dora.get('/profile/apps')).body)).toContain('Expiring In team Design');
      t.clock.advance(61 * 24 * 3600 * 1000);
      const later = await signIn(t.app, 'dora@example.com', 'dora-password');
      expect(text((await later.get('/profile/apps')).body)).toContain('You have not authorized any apps.');
    });
  });
});
