import type { LightMyRequestResponse } from 'fastify';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/storage/repositories/apps.js';
import { apiAs, enc } from './helpers/api.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { tokenRequest } from './helpers/oauth.js';
import { type Browser, sessionCsrf, signIn } from './helpers/web.js';

/**
 * The board page, its JSON endpoints and the Web SDK's host endpoint over HTTP: sessions and CSRF,
 * installs from a board (with the chained code flow), scopes with Miro's messages, board roles,
 * uninstalled apps, and the id token's claims and signature.
 */
describe.each(DIALECTS)('board page and Web SDK host on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  let bob: Browser;
  let aliceCsrf: string;
  let bobCsrf: string;
  let boardId: string;
  let stickyList: App;
  let stickySecret: string;
  let reader: App;
  let sameOrigin: App;

  const STICKY = 'https://sticky.example';
  const boardPath = () => `/app/board/${enc(boardId)}`;

  /** A request from the board page's script: session cookie, CSRF header, JSON body. */
  function json(
    b: Browser,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    csrf: string | null = b === alice ? aliceCsrf : bobCsrf,
  ): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method,
      url,
      headers: {
        cookie: b.jar.header(),
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  const sdk = (b: Browser, app: App, method: string, params: Record<string, unknown> = {}) =>
    json(b, 'POST', `${boardPath()}/apps/${app.id}/sdk`, { method, params });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const { seed, services } = t;
    const base = { teamId: seed.teamId, createdBy: seed.alice.id, expiring: true };
    const created = await services.apps.create({
      ...base,
      name: 'Sticky List',
      redirectUris: [`${STICKY}/callback`],
      sdkUri: `${STICKY}/app/`,
      sdkRedirectUri: `${STICKY}/callback`,
      scopes: ['boards:read', 'boards:write', 'identity:read'],
    });
    stickyList = created.app;
    stickySecret = created.clientSecret!;
    reader = (
      await services.apps.create({
        ...base,
        name: 'Reader',
        redirectUris: ['https://reader.example/callback'],
        sdkUri: 'https://reader.example/',
        scopes: ['boards:read'],
      })
    ).app;
    sameOrigin = (
      await services.apps.create({
        ...base,
        name: 'Same Origin',
        redirectUris: [`${t.config.publicUrl}/demo/callback`],
        sdkUri: 'https://same-origin.example/',
        scopes: ['boards:read'],
      })
    ).app;
    // Registration refuses an App URL on Grantboard's own origin; an app stored before that rule
    // still gets no allow-same-origin from the board.
    await t.repos.apps.update(sameOrigin.id, { sdkUri: `${t.config.publicUrl}/demo/callback`, updatedAt: 0 });
    // Alice owns the board; Bob sees it through team access as a viewer.
    const board = await services.boards.create(
      { userId: seed.alice.id, teamId: seed.teamId, appId: 'test' },
      { name: 'Planning', policy: { sharingPolicy: { teamAccess: 'view' } } },
    );
    boardId = board.board.id;
    alice = await signIn(t.app, seed.alice.email);
    bob = await signIn(t.app, seed.bob.email);
    aliceCsrf = await sessionCsrf(alice);
    bobCsrf = await sessionCsrf(bob);
  });
  afterAll(() => t?.close());

  describe('the board page', () => {
    it('is served at the board’s viewLink with its script from self and no frame, and lists the apps', async () => {
      const page = await alice.get(`${boardPath()}/`);
      expect(page.statusCode).toBe(200);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('frame-src');
      expect(csp).not.toContain('unsafe-inline');
      expect(page.body).toContain('<script type="module" src="/static/scripts/board.js"></script>');
      expect(page.body).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).toContain('<h1>Planning</h1>');
      expect(page.body).toContain('data-can-edit="true"');
      expect(page.body).toContain(`href="${boardPath()}/apps/${stickyList.id}/install"`);
      expect(page.body).not.toContain('<iframe');
      // The board's links end in a slash, as Miro's; the bare path leads there.
      const bare = await alice.get(boardPath());
      expect(bare.statusCode).toBe(301);
      expect(bare.headers.location).toBe(`${boardPath()}/`);
    });

    it('shows a viewer the board read-only, sends the signed-out to sign in, and hides other teams’ boards', async () => {
      expect((await bob.get(`${boardPath()}/`)).body).toContain('data-can-edit="false"');
      const anonymous = await t.app.inject({ method: 'GET', url: `${boardPath()}/` });
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toMatch(/^\/signin\?return_to=/);
      const other = await t.services.boards.create(
        { userId: t.seed.bob.id, teamId: t.seed.otherTeamId, appId: 'test' },
        { name: 'Secret' },
      );
      expect((await alice.get(`/app/board/${enc(other.board.id)}/`)).statusCode).toBe(404);
      expect((await json(alice, 'GET', `/app/board/${enc(other.board.id)}/items`)).statusCode).toBe(404);
    });
  });

  describe('the board page’s JSON endpoints', () => {
    it('refuse a request without the session’s CSRF header, or without a session', async () => {
      const missing = await json(alice, 'POST', `${boardPath()}/sticky_notes`, { content: 'x' }, null);
      expect(missing.statusCode).toBe(403);
      expect(missing.json()).toMatchObject({ code: 'csrfTokenInvalid' });
      const wrong = await json(alice, 'POST', `${boardPath()}/sticky_notes`, { content: 'x' }, bobCsrf);
      expect(wrong.statusCode).toBe(403);
      expect((await json(alice, 'GET', `${boardPath()}/items`, undefined, null)).statusCode).toBe(403);
      const anonymous = await t.app.inject({
        method: 'GET',
        url: `${boardPath()}/items`,
        headers: { 'x-csrf-token': aliceCsrf },
      });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ code: 'notSignedIn' });
      // A cross-site form cannot send JSON: a form body is refused.
      const form = await t.app.inject({
        method: 'POST',
        url: `${boardPath()}/sticky_notes`,
        headers: { cookie: alice.jar.header(), 'x-csrf-token': aliceCsrf, 'content-type': 'text/plain' },
        payload: '{"content":"x"}',
      });
      expect(form.statusCode).toBe(400);
      expect(await t.repos.items.count(boardId)).toBe(0);
    });

    it('create, move, edit and delete sticky notes as the user, through the REST API’s rules', async () => {
      const created = await json(alice, 'POST', `${boardPath()}/sticky_notes`, {
        content: 'From the board',
        x: 100,
        y: -50,
        style: { fillColor: 'light_green' },
      });
      expect(created.statusCode).toBe(201);
      const note = created.json();
      expect(note).toMatchObject({
        type: 'sticky_note',
        content: 'From the board',
        x: 100,
        y: -50,
        width: 199,
        height: 228,
        style: { fillColor: 'light_green' },
        createdBy: t.seed.alice.id,
      });
      const moved = await json(alice, 'PATCH', `${boardPath()}/items/${note.id}`, { x: 10, content: 'Moved' });
      expect(moved.json()).toMatchObject({ x: 10, y: -50, content: 'Moved' });
      const api = await apiAs(t);
      const rest = await api.call('GET', `/v2/boards/${enc(boardId)}/sticky_notes/${note.id}`);
      expect(rest.json()).toMatchObject({ data: { content: 'Moved' }, position: { x: 10, y: -50 } });
      const invalid = await json(alice, 'POST', `${boardPath()}/sticky_notes`, { style: { fillColor: 'plaid' } });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json()).toMatchObject({ code: 'invalidParameters' });
      expect((await json(alice, 'DELETE', `${boardPath()}/items/${note.id}`)).statusCode).toBe(204);
      expect((await api.call('GET', `/v2/boards/${enc(boardId)}/items/${note.id}`)).statusCode).toBe(404);
    });

    it('let a viewer read but not write', async () => {
      const list = await json(bob, 'GET', `${boardPath()}/items`);
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ role: 'viewer', canEdit: false });
      const refused = await json(bob, 'POST', `${boardPath()}/sticky_notes`, { content: 'Nope' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'insufficientPermissions', context: { boardRole: 'viewer' } });
      expect(await t.repos.items.count(boardId)).toBe(0);
    });
  });

  describe('installing an app from the board', () => {
    it('asks first: running an app not installed in the team leads to the install & authorize page', async () => {
      const run = await alice.get(`${boardPath()}/?app=${stickyList.id}`);
      expect(run.statusCode).toBe(303);
      expect(run.headers.location).toBe(`${boardPath()}/apps/${stickyList.id}/install`);
      const prompt = await alice.get(run.headers.location as string);
      expect(prompt.statusCode).toBe(200);
      expect(prompt.body).toContain('Install &amp; authorize Sticky List');
      for (const scope of ['boards:read', 'boards:write', 'identity:read']) expect(prompt.body).toContain(scope);
      expect(prompt.body).toContain('sticky.example');
      expect(String(prompt.headers['content-security-policy'])).toContain(`form-action 'self' ${STICKY}`);
      expect(String(prompt.headers['x-frame-options'])).toBe('DENY');
    });

    it('refuses an install without the form’s CSRF token', async () => {
      const response = await alice.post(`${boardPath()}/apps/${stickyList.id}/install`, { csrf: 'forged' });
      expect(response.statusCode).toBe(403);
      expect(await t.repos.installations.find(stickyList.id, t.seed.teamId)).toBeUndefined();
    });

    it('records the install, runs the code flow through the SDK redirect URI, and returns to the board', async () => {
      const allow = await alice.post(`${boardPath()}/apps/${stickyList.id}/install`, { csrf: aliceCsrf });
      expect(allow.statusCode).toBe(303);
      const callback = new URL(allow.headers.location as string);
      expect(`${callback.origin}${callback.pathname}`).toBe(`${STICKY}/callback`);
      expect(callback.searchParams.get('client_id')).toBe(stickyList.id);
      expect(callback.searchParams.get('team_id')).toBe(t.seed.teamId);
      expect(callback.searchParams.get('iss')).toBe(t.config.publicUrl);
      const installation = await t.repos.installations.find(stickyList.id, t.seed.teamId);
      expect(installation?.scopes).toEqual(['boards:read', 'boards:write', 'identity:read']);

      // The app's back end exchanges the code for a REST token…
      const exchange = await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: stickyList.id,
        client_secret: stickySecret,
        code: callback.searchParams.get('code')!,
        redirect_uri: `${STICKY}/callback`,
      });
      expect(exchange.statusCode).toBe(200);
      expect(exchange.json()).toMatchObject({ user_id: t.seed.alice.id, team_id: t.seed.teamId });
      // …and sends the browser to /app-install-completed, which leads back to the board with the app open.
      const completed = await alice.get(`/app-install-completed?client_id=${stickyList.id}&team_id=${t.seed.teamId}`);
      expect(completed.statusCode).toBe(303);
      expect(completed.headers.location).toBe(`${boardPath()}/?app=${stickyList.id}`);
      // The way back is used once.
      expect(
        (await alice.get(`/app-install-completed?client_id=${stickyList.id}&team_id=${t.seed.teamId}`)).statusCode,
      ).toBe(200);
      // Team settings list the app.
      expect((await alice.get(`/teams/${t.seed.teamId}/apps`)).body).toContain('Sticky List');
    });

    it('gives the installed app a toolbar icon and a sandboxed frame, and the CSP frames exactly its origin', async () => {
      const page = await alice.get(`${boardPath()}/?app=${stickyList.id}`);
      expect(page.statusCode).toBe(200);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain(`frame-src ${STICKY};`);
      expect(page.body).toContain(`aria-label="Sticky List"`);
      expect(page.body).toContain(`data-app-url="${STICKY}/app/"`);
      expect(page.body).toContain('data-sandbox="allow-scripts allow-same-origin allow-forms"');
      expect(page.body).toContain(`data-app-origin="${STICKY}"`);
      // Opened with ?app=: the page clicks the app's icon once the board has loaded.
      expect(page.body).toContain(`data-open-app="${stickyList.id}"`);
    });

    it('installs an app without an SDK redirect URI straight back to the board', async () => {
      const allow = await alice.post(`${boardPath()}/apps/${reader.id}/install`, { csrf: aliceCsrf });
      expect(allow.statusCode).toBe(303);
      expect(allow.headers.location).toBe(`${boardPath()}/?app=${reader.id}`);
      expect(allow.headers['set-cookie']).toBeUndefined();
    });

    it('never gives an app on Grantboard’s own origin allow-same-origin', async () => {
      await alice.post(`${boardPath()}/apps/${sameOrigin.id}/install`, { csrf: aliceCsrf });
      const page = await alice.get(`${boardPath()}/?app=${sameOrigin.id}`);
      const launcher = page.body.match(new RegExp(`<button[^>]*data-app-id="${sameOrigin.id}"[^>]*>`))?.[0];
      expect(launcher).toContain('data-sandbox="allow-scripts allow-forms"');
      expect(launcher).not.toContain('allow-same-origin');
    });

    it('offers only the board apps of the organization’s own developer teams', async () => {
      const elsewhere = await t.services.accounts.createOrganization('Elsewhere Inc.');
      const team = await t.services.accounts.createTeam({ name: 'Elsewhere dev', organizationId: elsewhere.id });
      await t.services.accounts.addMember(team.id, t.seed.bob.id, 'admin');
      const foreignApp = await t.services.apps.create({
        teamId: team.id,
        createdBy: t.seed.bob.id,
        name: 'Foreign Plugin',
        redirectUris: ['https://foreign.example/cb'],
        sdkUri: 'https://foreign.example/',
        scopes: ['boards:read'],
        expiring: true,
      });
      expect((await alice.get(`${boardPath()}/`)).body).not.toContain('Foreign Plugin');
      expect((await alice.get(`${boardPath()}/apps/${foreignApp.app.id}/install`)).statusCode).toBe(404);
      const post = await alice.post(`${boardPath()}/apps/${foreignApp.app.id}/install`, { csrf: aliceCsrf });
      expect(post.statusCode).toBe(404);
      expect(await t.repos.installations.find(foreignApp.app.id, t.seed.teamId)).toBeUndefined();
    });

    it('refuses a member where only admins install, as the consent page does', async () => {
      const extra = await t.services.apps.create({
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        name: 'Admins only',
        redirectUris: ['https://admins.example/cb'],
        sdkUri: 'https://admins.example/',
        scopes: ['boards:read'],
        expiring: true,
      });
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        const prompt = await bob.get(`${boardPath()}/apps/${extra.app.id}/install`);
        expect(prompt.body).toContain('Only team admins can install apps');
        expect(prompt.body).not.toContain('>Allow<');
        const post = await bob.post(`${boardPath()}/apps/${extra.app.id}/install`, { csrf: bobCsrf });
        expect(post.statusCode).toBe(403);
        expect(await t.repos.installations.find(extra.app.id, t.seed.teamId)).toBeUndefined();
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
      }
    });
    it('lets a member where only admins install use an app an admin installed, as the consent page does', async () => {
      const extra = await t.services.apps.create({
        teamId: t.seed.teamId,
        createdBy: t.seed.alice.id,
        name: 'Admin installed',
        redirectUris: ['https://installed.example/cb'],
        sdkUri: 'https://installed.example/',
        sdkRedirectUri: 'https://installed.example/cb',
        scopes: ['boards:read'],
        expiring: true,
      });
      await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, true);
      try {
        const install = `${boardPath()}/apps/${extra.app.id}/install`;
        expect((await bob.get(install)).body).toContain('Ask Alice (an admin of Design).');
        expect((await alice.post(install, { csrf: aliceCsrf })).statusCode).toBe(303);
        const prompt = await bob.get(install);
        expect(prompt.body).toContain('>Allow<');
        expect(prompt.body).not.toContain('Only team admins can install apps');
        // Bob authorizes it for himself: the code flow runs through the app's back end.
        const allow = await bob.post(install, { csrf: bobCsrf });
        expect(allow.statusCode).toBe(303);
        const callback = new URL(allow.headers.location as string);
        expect(`${callback.origin}${callback.pathname}`).toBe('https://installed.example/cb');
        expect(callback.searchParams.get('code')).toMatch(/^gbc_/);
        expect(await t.repos.installations.find(extra.app.id, t.seed.teamId)).toMatchObject({
          installedBy: t.seed.alice.id,
        });
        // The board's Add apps list still says why Bob cannot add the others, and whom to ask.
        const board = await bob.get(`${boardPath()}/`);
        expect(board.body).toContain('Only team admins can install apps in this team. Ask Alice (an admin of Design).');
      } finally {
        await t.services.accounts.setInstallPolicy(t.seed.teamId, t.seed.alice.id, false);
      }
    });
  });

  describe('Web SDK calls', () => {
    it('creates sticky notes the REST API sees, and reads them back in the SDK’s shape', async () => {
      const created = await sdk(alice, stickyList, 'createStickyNote', { content: 'From the SDK', x: 5, y: 6 });
      expect(created.statusCode).toBe(200);
      const note = created.json().result;
      expect(note).toMatchObject({ type: 'sticky_note', content: 'From the SDK', x: 5, y: 6, parentId: null });
      const api = await apiAs(t);
      const items = (await api.call('GET', `/v2/boards/${enc(boardId)}/items`)).json();
      expect(items.data.map((i: { id: string }) => i.id)).toContain(note.id);

      const listed = (await sdk(alice, stickyList, 'get', { type: 'sticky_note' })).json().result;
      expect(listed.map((i: { id: string }) => i.id)).toEqual([note.id]);
      expect((await sdk(alice, stickyList, 'getById', { id: note.id })).json().result.content).toBe('From the SDK');
      const synced = await sdk(alice, stickyList, 'sync', { id: note.id, content: 'Synced', x: 50 });
      expect(synced.json().result).toMatchObject({ content: 'Synced', x: 50, y: 6 });
      expect((await sdk(alice, stickyList, 'remove', { id: note.id })).statusCode).toBe(200);
      expect((await sdk(alice, stickyList, 'getById', { id: note.id })).statusCode).toBe(404);
    });

    it('answers getUserInfo and getInfo', async () => {
      expect((await sdk(alice, stickyList, 'getUserInfo')).json().result).toEqual({
        id: t.seed.alice.id,
        name: 'Alice',
        email: 'alice@example.com',
      });
      expect((await sdk(alice, stickyList, 'getInfo')).json().result).toEqual({
        id: boardId,
        locale: 'en',
        createdAt: '2026-11-29T12:00:00.000Z',
        updatedAt: '2026-11-29T12:00:00.000Z',
      });
    });

    it('refuses a method outside the installation’s scopes with Miro’s message, and does nothing', async () => {
      const refused = await sdk(alice, reader, 'createStickyNote', { content: 'Nope' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({
        status: 403,
        code: 'insufficientPermissions',
        message: "Method 'createStickyNote' requires scope 'boards:write'",
        type: 'error',
        context: { requiredScopes: ['boards:write'] },
      });
      expect((await sdk(alice, reader, 'getUserInfo')).json().message).toBe(
        "Method 'getUserInfo' requires scope 'identity:read'",
      );
      expect(await t.repos.items.count(boardId)).toBe(0);
      // What the scopes allow, the reader may do.
      expect((await sdk(alice, reader, 'get')).statusCode).toBe(200);
    });

    it('applies board roles on top of the scopes: a viewer’s app cannot write', async () => {
      const refused = await sdk(bob, stickyList, 'createStickyNote', { content: 'Nope' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'insufficientPermissions', context: { boardRole: 'viewer' } });
      expect((await sdk(bob, stickyList, 'get')).statusCode).toBe(200);
    });

    it('refuses calls without the CSRF header, unknown methods and bad parameters', async () => {
      const noCsrf = await json(alice, 'POST', `${boardPath()}/apps/${stickyList.id}/sdk`, { method: 'get' }, null);
      expect(noCsrf.statusCode).toBe(403);
      const unknown = await sdk(alice, stickyList, 'getToken');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toBe("There is no Web SDK method 'getToken'.");
      const bad = await sdk(alice, stickyList, 'createStickyNote', { x: 'left' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/^Method 'createStickyNote': x /);
      const extra = await sdk(alice, stickyList, 'createStickyNote', { colour: 'red' });
      expect(extra.json().message).toBe("Method 'createStickyNote': colour is not a known property.");
    });

    it('signs an id token with the client secret: iss, sub, team, user, iat and a 5-minute exp', async () => {
      const response = await sdk(alice, stickyList, 'getIdToken');
      expect(response.statusCode).toBe(200);
      const token: string = response.json().result;
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const { payload } = await jwtVerify(token, new TextEncoder().encode(stickySecret), {
        algorithms: ['HS256'],
        issuer: 'miro',
        currentDate: new Date(t.clock.now()),
      });
      const iat = Math.floor(t.clock.now() / 1000);
      expect(payload).toEqual({
        iss: 'miro',
        sub: stickyList.id,
        team: t.seed.teamId,
        user: t.seed.alice.id,
        iat,
        exp: iat + 300,
      });
      await expect(
        jwtVerify(token, new TextEncoder().encode('not the client secret at all'), {
          currentDate: new Date(t.clock.now()),
        }),
      ).rejects.toThrow();
      // It is no access token: the REST API refuses it.
      const rest = await t.app.inject({
        method: 'GET',
        url: '/v2/boards',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(rest.statusCode).toBe(401);
    });

    it('refuses every call of an app once it is uninstalled from the team', async () => {
      await t.services.installs.uninstall(reader.id, t.seed.teamId, t.seed.alice.id);
      const refused = await sdk(alice, reader, 'get');
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({
        code: 'appNotInstalled',
        message: "Reader is not installed in Design. Install it from the board's Apps panel.",
      });
      expect((await sdk(alice, reader, 'getIdToken')).statusCode).toBe(403);
      // The board no longer runs it: it asks to install again.
      expect((await alice.get(`${boardPath()}/?app=${reader.id}`)).statusCode).toBe(303);
    });
  });

  describe('Web SDK events and board methods', () => {
    let watcher: App;
    const deliver = (b: Browser, app: App, body: Record<string, unknown>) =>
      json(b, 'POST', `${boardPath()}/apps/${app.id}/events`, body);

    beforeAll(async () => {
      watcher = (
        await t.services.apps.create({
          teamId: t.seed.teamId,
          createdBy: t.seed.alice.id,
          expiring: true,
          name: 'Watcher',
          redirectUris: ['https://watcher.example/callback'],
          sdkUri: 'https://watcher.example/',
          scopes: ['boards:read', 'boards:write'],
        })
      ).app;
      await t.services.installs.install(watcher, t.seed.teamId, t.seed.alice.id, ['boards:read', 'boards:write']);
    });

    it('creates shapes, texts and frames, and syncs each in its own fields', async () => {
      const shape = (await sdk(alice, watcher, 'createShape', { shape: 'circle', content: 'Hi', width: 120 })).json();
      expect(shape.result).toMatchObject({ type: 'shape', shape: 'circle', content: 'Hi', width: 120 });
      const text = (await sdk(alice, watcher, 'createText', { content: 'Words', x: 10 })).json().result;
      expect(text).toMatchObject({ type: 'text', content: 'Words', x: 10 });
      const frame = (await sdk(alice, watcher, 'createFrame', { title: 'Week', width: 900, height: 500 })).json();
      expect(frame.result).toMatchObject({ type: 'frame', title: 'Week', width: 900, height: 500 });
      const synced = await sdk(alice, watcher, 'sync', { id: shape.result.id, shape: 'star', rotation: 45 });
      expect(synced.json().result).toMatchObject({ shape: 'star', rotation: 45 });
      // A change the item's type does not take is refused, never ignored.
      const refused = await sdk(alice, watcher, 'sync', { id: text.id, height: 300 });
      expect(refused.statusCode).toBe(400);
      expect((await sdk(alice, watcher, 'createShape', { shape: 'blob' })).statusCode).toBe(400);
      const api = await apiAs(t);
      const rest = (await api.call('GET', `/v2/boards/${enc(boardId)}/shapes/${shape.result.id}`)).json();
      expect(rest.data.shape).toBe('star');
      for (const id of [shape.result.id, text.id, frame.result.id]) await sdk(alice, watcher, 'remove', { id });
    });

    it('tags sticky notes, replaces their tags on sync all or nothing, and restacks items in the drawing order', async () => {
      const tag = (await sdk(alice, watcher, 'createTag', { title: 'Blocked', color: 'violet' })).json().result;
      expect(tag).toEqual({ id: expect.any(String), type: 'tag', title: 'Blocked', color: 'violet' });
      const other = (await sdk(alice, watcher, 'createTag', { title: 'Ready' })).json().result;
      expect(other.color).toBe('red');
      expect((await sdk(alice, watcher, 'createTag', { title: 'Ready' })).statusCode).toBe(400);
      const note = (await sdk(alice, watcher, 'createStickyNote', { content: 'Tagged', tagIds: [tag.id] })).json();
      expect(note.result.tagIds).toEqual([tag.id]);
      const synced = await sdk(alice, watcher, 'sync', { id: note.result.id, tagIds: [other.id, tag.id] });
      expect(synced.json().result.tagIds).toEqual([other.id, tag.id]);
      // A tag that is not on the board: refused, and the note keeps its tags.
      const refused = await sdk(alice, watcher, 'sync', { id: note.result.id, tagIds: ['3074457350000000009'] });
      expect(refused.statusCode).toBe(404);
      const api = await apiAs(t);
      const onItem = (await api.call('GET', `/v2/boards/${enc(boardId)}/items/${note.result.id}/tags`)).json();
      expect(onItem.tags.map((x: { id: string }) => x.id)).toEqual([other.id, tag.id]);
      const listed = (await json(alice, 'GET', `${boardPath()}/items`)).json();
      expect(listed.tags.map((x: { title: string }) => x.title).sort()).toEqual(['Blocked', 'Ready']);
      expect(listed.items.find((i: { id: string }) => i.id === note.result.id).tagIds).toEqual([other.id, tag.id]);

      // The drawing order: bringToFront puts the note last (on top), sendToBack first.
      const shape = (await sdk(alice, watcher, 'createShape', { content: 'Under' })).json().result;
      const order = async () => (await json(alice, 'GET', `${boardPath()}/items`)).json().order as string[];
      expect((await sdk(alice, watcher, 'bringToFront', { id: note.result.id })).statusCode).toBe(200);
      expect((await order()).at(-1)).toBe(note.result.id);
      expect((await sdk(alice, watcher, 'sendToBack', { id: [note.result.id] })).statusCode).toBe(200);
      expect((await order())[0]).toBe(note.result.id);
      expect((await sdk(alice, watcher, 'bringToFront', { id: [shape.id, note.result.id] })).statusCode).toBe(200);
      expect((await order()).slice(-2)).toEqual([note.result.id, shape.id]);

      for (const id of [note.result.id, shape.id, tag.id, other.id]) {
        expect((await sdk(alice, watcher, 'remove', { id })).statusCode).toBe(200);
      }
      expect((await api.call('GET', `/v2/boards/${enc(boardId)}/tags`)).json().total).toBe(0);
    });

    it('creates images by data URL, stored as the item’s file, within the type and size limits', async () => {
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      );
      const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
      const image = (await sdk(alice, watcher, 'createImage', { url: dataUrl, title: 'Dot' })).json().result;
      expect(image).toMatchObject({ type: 'image', title: 'Dot' });
      expect(image.url).toMatch(/\/files\/[A-Za-z0-9_-]{43}$/);
      const api = await apiAs(t);
      const rest = (await api.call('GET', `/v2/boards/${enc(boardId)}/images/${image.id}`)).json();
      expect(rest.data.imageUrl).toBe(image.url);
      const file = await t.app.inject({ method: 'GET', url: new URL(image.url).pathname });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.rawPayload.equals(png)).toBe(true);
      const before = await t.repos.items.count(boardId, 'image');
      const refusals: [Record<string, unknown>, number, string][] = [
        [{ url: `data:image/bmp;base64,${png.toString('base64')}` }, 400, 'must be one of image/png'],
        [{ url: `data:image/jpeg;base64,${png.toString('base64')}` }, 400, 'The image data is not image/jpeg.'],
        [{ url: 'data:image/png,raw' }, 400, 'data:<type>;base64,<data>'],
        [{ url: `data:image/png;base64,${'A'.repeat(1_420_000)}` }, 400, ''],
        [{ url: `data:image/png;base64,${'A'.repeat(3_000_000)}` }, 413, ''],
      ];
      for (const [params, status, text] of refusals) {
        const answer = await sdk(alice, watcher, 'createImage', params);
        expect(answer.statusCode, JSON.stringify(params).slice(0, 60)).toBe(status);
        expect(answer.json().message).toContain(text);
      }
      expect(await t.repos.items.count(boardId, 'image')).toBe(before);
      await sdk(alice, watcher, 'remove', { id: image.id });
    });

    it('creates cards, app cards, images and embeds the REST API sees', async () => {
      const card = (
        await sdk(alice, watcher, 'createCard', {
          title: 'Task',
          description: 'Do it',
          style: { cardTheme: '#ff0000' },
        })
      ).json().result;
      expect(card).toMatchObject({
        type: 'card',
        title: 'Task',
        description: 'Do it',
        style: { cardTheme: '#ff0000' },
      });
      const appCard = await sdk(alice, watcher, 'createAppCard', {
        title: 'Ticket',
        status: 'connected',
        fields: [{ value: 'P1' }],
      });
      expect(appCard.json().result).toMatchObject({ type: 'app_card', status: 'connected', fields: [{ value: 'P1' }] });
      const image = (
        await sdk(alice, watcher, 'createImage', { url: 'https://pics.example/a.png', width: 100 })
      ).json();
      expect(image.result).toMatchObject({ type: 'image', url: 'https://pics.example/a.png', width: 100 });
      const embed = (
        await sdk(alice, watcher, 'createEmbed', { url: 'https://video.example/v/1', mode: 'modal' })
      ).json();
      expect(embed.result).toMatchObject({ type: 'embed', url: 'https://video.example/v/1', mode: 'modal' });
      expect((await sdk(alice, watcher, 'createImage', { url: 'javascript:alert(1)' })).statusCode).toBe(400);
      const api = await apiAs(t);
      const rest = (await api.call('GET', `/v2/boards/${enc(boardId)}/images/${image.result.id}`)).json();
      expect(rest.data.imageUrl).toBe('https://pics.example/a.png');
      const synced = await sdk(alice, watcher, 'sync', { id: card.id, title: 'Task (done)' });
      expect(synced.json().result.title).toBe('Task (done)');
      for (const id of [card.id, appCard.json().result.id, image.result.id, embed.result.id]) {
        await sdk(alice, watcher, 'remove', { id });
      }
    });

    it('joins two items with a connector the REST API sees, listed among the items as on Miro', async () => {
      const a = (await sdk(alice, watcher, 'createStickyNote', { content: 'From' })).json().result;
      const b = (await sdk(alice, watcher, 'createStickyNote', { content: 'To', x: 400 })).json().result;
      const created = await sdk(alice, watcher, 'createConnector', {
        start: { item: a.id, snapTo: 'right' },
        end: { item: b.id, position: { x: 0, y: 0.5 } },
        shape: 'straight',
        captions: [{ content: 'then' }],
      });
      expect(created.statusCode).toBe(200);
      const connector = created.json().result;
      expect(connector).toMatchObject({
        type: 'connector',
        start: { item: a.id, snapTo: 'right' },
        end: { item: b.id, position: { x: 0, y: 0.5 } },
        shape: 'straight',
        captions: [{ content: 'then' }],
      });
      const listed = (await sdk(alice, watcher, 'get', { type: 'connector' })).json().result;
      expect(listed.map((i: { id: string }) => i.id)).toEqual([connector.id]);
      expect((await sdk(alice, watcher, 'getById', { id: connector.id })).json().result.type).toBe('connector');
      const api = await apiAs(t);
      const rest = (await api.call('GET', `/v2/boards/${enc(boardId)}/connectors/${connector.id}`)).json();
      expect(rest.endItem).toMatchObject({ id: b.id });
      const bad = await sdk(alice, watcher, 'createConnector', { start: { item: a.id }, end: { item: '999' } });
      expect(bad.statusCode).toBe(400);
      expect((await sdk(alice, watcher, 'remove', { id: connector.id })).statusCode).toBe(200);
      for (const id of [a.id, b.id]) await sdk(alice, watcher, 'remove', { id });
    });

    it('answers the selection, viewport, notification and panel calls after the same checks', async () => {
      const note = (await sdk(alice, watcher, 'createStickyNote', { content: 'Chosen' })).json().result;
      const selection = (await sdk(alice, watcher, 'getSelection', { id: [note.id] })).json().result;
      expect(selection.map((i: { id: string }) => i.id)).toEqual([note.id]);
      expect((await sdk(alice, watcher, 'select', { id: note.id })).json().result).toHaveLength(1);
      expect((await sdk(alice, watcher, 'notifications.showInfo', { message: 'Saved' })).statusCode).toBe(200);
      expect((await sdk(alice, watcher, 'notifications.showInfo', { message: '' })).statusCode).toBe(400);
      const panel = await sdk(alice, watcher, 'ui.openPanel', { url: 'https://watcher.example/panel', data: { a: 1 } });
      expect(panel.json().result).toEqual({ url: 'https://watcher.example/panel', data: { a: 1 } });
      // A panel or modal is a page of the app's own origin, nothing else.
      const elsewhere = await sdk(alice, watcher, 'ui.openModal', { url: 'https://evil.example/' });
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.json().message).toBe(
        "Method 'openModal': url must be a page of the app's origin, https://watcher.example.",
      );
      expect((await sdk(alice, reader, 'viewport.get')).statusCode).toBe(403);
      await sdk(alice, watcher, 'remove', { id: note.id });
    });

    it('keeps each app’s item metadata and board app data apart, and lets only editors write them', async () => {
      const note = (await sdk(alice, watcher, 'createStickyNote', { content: 'Tagged' })).json().result;
      const set = await sdk(alice, watcher, 'setMetadata', { id: note.id, key: 'source', value: { from: 'list' } });
      expect(set.json().result).toEqual({ source: { from: 'list' } });
      // Parallel writes of different keys both land.
      await Promise.all(
        ['a', 'b', 'c'].map((key) => sdk(alice, watcher, 'setMetadata', { id: note.id, key, value: key })),
      );
      expect((await sdk(alice, watcher, 'getMetadata', { id: note.id })).json().result).toEqual({
        a: 'a',
        b: 'b',
        c: 'c',
        source: { from: 'list' },
      });
      expect((await sdk(alice, watcher, 'getMetadata', { id: note.id, key: 'a' })).json().result).toBe('a');
      // Another app sees none of it.
      expect((await sdk(alice, stickyList, 'getMetadata', { id: note.id })).json().result).toEqual({});
      await sdk(alice, watcher, 'setMetadata', { id: note.id, key: 'a', value: null });
      expect((await sdk(alice, watcher, 'getMetadata', { id: note.id, key: 'a' })).json().result).toBeNull();
      expect((await sdk(alice, watcher, 'setAppData', { key: 'theme', value: 'dark' })).json().result).toEqual({
        theme: 'dark',
      });
      expect((await sdk(alice, watcher, 'getAppData', { key: 'theme' })).json().result).toBe('dark');
      const big = await sdk(alice, watcher, 'setAppData', { key: 'big', value: 'x'.repeat(7000) });
      expect(big.statusCode).toBe(400);
      // A viewer's app reads the board but cannot write its metadata.
      const viewer = await sdk(bob, stickyList, 'setMetadata', { id: note.id, key: 'k', value: 1 });
      expect(viewer.statusCode).toBe(403);
      expect((await sdk(alice, watcher, 'getMetadata', { id: '999' })).statusCode).toBe(404);
      await sdk(alice, watcher, 'remove', { id: note.id });
      expect(await t.repos.appData.all({ itemId: note.id }, watcher.id)).toEqual({});
    });

    it('delivers app card clicks only to the app that made the card, and only with boards:read', async () => {
      const card = (await sdk(alice, watcher, 'createAppCard', { title: 'Mine', status: 'disconnected' })).json()
        .result;
      const own = await deliver(alice, watcher, { event: 'app_card:open', itemIds: [card.id] });
      expect(own.json().payload.appCard).toMatchObject({ id: card.id, type: 'app_card', title: 'Mine' });
      expect((await deliver(alice, stickyList, { event: 'app_card:connect', itemIds: [card.id] })).json()).toEqual({
        payload: {},
      });
      const note = (await sdk(alice, watcher, 'createStickyNote', { content: 'Not a card' })).json().result;
      expect((await deliver(alice, watcher, { event: 'app_card:open', itemIds: [note.id] })).json()).toEqual({
        payload: {},
      });
      await t.services.apps.update(watcher.id, { scopes: ['boards:write'] }, null);
      const refused = await deliver(alice, watcher, { event: 'app_card:connect', itemIds: [card.id] });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toBe("Method 'on('app_card:connect')' requires scope 'boards:read'");
      await t.services.apps.update(watcher.id, { scopes: ['boards:read', 'boards:write'] }, null);
      for (const id of [card.id, note.id]) await sdk(alice, watcher, 'remove', { id });
    });

    it('delivers an event with the items as the server has them, and refuses it once the scope is gone', async () => {
      const note = (await sdk(alice, watcher, 'createStickyNote', { content: 'Server copy' })).json().result;
      const delivered = await deliver(alice, watcher, { event: 'items:create', itemIds: [note.id] });
      expect(delivered.statusCode).toBe(200);
      expect(delivered.json().payload.items).toMatchObject([{ id: note.id, content: 'Server copy' }]);
      expect((await deliver(alice, watcher, { event: 'icon:click' })).json()).toEqual({ payload: {} });
      // Subscribing checks each event's scope.
      expect((await sdk(alice, watcher, 'subscribe', { events: ['items:update'] })).statusCode).toBe(400);

      await t.services.apps.update(watcher.id, { scopes: ['boards:write'] }, null);
      const refused = await deliver(alice, watcher, { event: 'items:create', itemIds: [note.id] });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toBe("Method 'on('items:create')' requires scope 'boards:read'");
      // An event that carries no board content still needs the installation.
      expect((await deliver(alice, watcher, { event: 'icon:click' })).statusCode).toBe(200);
      await t.services.apps.update(watcher.id, { scopes: ['boards:read', 'boards:write'] }, null);
      expect((await deliver(alice, watcher, { event: 'items:create', itemIds: [note.id] })).statusCode).toBe(200);

      await t.services.installs.uninstall(watcher.id, t.seed.teamId, t.seed.alice.id);
      expect((await deliver(alice, watcher, { event: 'icon:click' })).json().code).toBe('appNotInstalled');
      await t.services.installs.install(watcher, t.seed.teamId, t.seed.alice.id, ['boards:read', 'boards:write']);
      await t.services.apps.remove(watcher.id, null);
      expect((await deliver(alice, watcher, { event: 'icon:click' })).statusCode).toBe(404);
      expect((await sdk(alice, watcher, 'get')).statusCode).toBe(404);
      expect((await deliver(bob, stickyList, { event: 'drop', x: 'left' })).statusCode).toBe(400);
    });
  });

  describe('static files', () => {
    it('serves the Web SDK at /sdk/v2.js and at Miro’s path, loadable from any app origin', async () => {
      for (const path of ['/sdk/v2.js', '/app/static/sdk/v2/miro.js']) {
        const response = await t.app.inject({ method: 'GET', url: path });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
        expect(response.headers['access-control-allow-origin']).toBe('*');
        expect(response.body).toContain('window.miro =');
        expect(response.body).not.toMatch(/^\s*(import|export)\s/m);
      }
    });

    it('serves the board page’s scripts by name only', async () => {
      const script = await t.app.inject({ method: 'GET', url: '/static/scripts/board.js' });
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await t.app.inject({ method: 'GET', url: '/static/scripts/board.d.ts' })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/static/scripts/..%2Fapp.js' })).statusCode).toBe(404);
    });
  });

  describe('the developer console', () => {
    it('sets the app URL and the redirect URI for SDK authorization', async () => {
      const page = await alice.get(`/apps/${reader.id}`);
      expect(page.body).toContain('name="sdk_uri"');
      const save = await alice.post(`/apps/${reader.id}`, {
        csrf: aliceCsrf,
        name: 'Reader',
        redirect_uris: 'https://reader.example/callback',
        scopes: ['boards:read'],
        sdk_uri: 'https://reader.example/v2/',
        sdk_redirect_uri: 'https://reader.example/callback',
      });
      expect(save.statusCode).toBe(303);
      const saved = await t.repos.apps.findById(reader.id);
      expect(saved).toMatchObject({
        sdkUri: 'https://reader.example/v2/',
        sdkRedirectUri: 'https://reader.example/callback',
      });
      const refused = await alice.post(`/apps/${reader.id}`, {
        csrf: aliceCsrf,
        name: 'Reader',
        redirect_uris: 'https://reader.example/callback',
        scopes: ['boards:read'],
        sdk_uri: 'http://reader.example/',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('App URL');
    });
  });
});

describe.each(DIALECTS)('Web SDK rate limits on %s', (dialect) => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('spends the app’s budget for the user, as the REST API does, and answers 429 when it is gone', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT_CREDITS_PER_MINUTE: '150' });
    const { seed, services } = t;
    const { app } = await services.apps.create({
      teamId: seed.teamId,
      createdBy: seed.alice.id,
      name: 'Chatty',
      redirectUris: ['https://chatty.example/cb'],
      sdkUri: 'https://chatty.example/',
      scopes: ['boards:read'],
      expiring: true,
    });
    await services.installs.install(app, seed.teamId, seed.alice.id, ['boards:read']);
    const board = await services.boards.create({ userId: seed.alice.id, teamId: seed.teamId, appId: 'test' }, {});
    const alice = await signIn(t.app, seed.alice.email);
    const csrf = await sessionCsrf(alice);
    const call = () =>
      t.app.inject({
        method: 'POST',
        url: `/app/board/${enc(board.board.id)}/apps/${app.id}/sdk`,
        headers: { cookie: alice.jar.header(), 'x-csrf-token': csrf, 'content-type': 'application/json' },
        payload: JSON.stringify({ method: 'getInfo' }),
      });
    for (const remaining of ['100', '50', '0']) {
      const ok = await call();
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(remaining);
    }
    const refused = await call();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'tooManyRequests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('Web SDK id token issuer', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('takes iss from ID_TOKEN_ISSUER', async () => {
    t = await startTestApp('sqlite', { ID_TOKEN_ISSUER: 'https://grantboard.example' });
    const { seed, services } = t;
    const { app, clientSecret } = await services.apps.create({
      teamId: seed.teamId,
      createdBy: seed.alice.id,
      name: 'Issuer check',
      redirectUris: ['https://issuer.example/cb'],
      sdkUri: 'https://issuer.example/',
      scopes: ['boards:read'],
      expiring: true,
    });
    await services.installs.install(app, seed.teamId, seed.alice.id, ['boards:read']);
    const board = await services.boards.create({ userId: seed.alice.id, teamId: seed.teamId, appId: 'test' }, {});
    const alice = await signIn(t.app, seed.alice.email);
    const response = await t.app.inject({
      method: 'POST',
      url: `/app/board/${enc(board.board.id)}/apps/${app.id}/sdk`,
      headers: {
        cookie: alice.jar.header(),
        'x-csrf-token': await sessionCsrf(alice),
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ method: 'getIdToken' }),
    });
    const { payload } = await jwtVerify(response.json().result, new TextEncoder().encode(clientSecret), {
      issuer: 'https://grantboard.example',
      currentDate: new Date(t.clock.now()),
    });
    expect(payload.sub).toBe(app.id);
  });
});
