import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/api/plugin.js';
import type { AppContext } from '../src/app-context.js';
import { type ApiCaller, apiAs, createBoard, createSticky, enc, errorBody, startApi } from './helpers/api.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const INSUFFICIENT = (scope: string) => `Bearer realm="grantboard", error="insufficient_scope", scope="${scope}"`;

describe.each(DIALECTS)('API access on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let sticky: string;
  let text: string;
  let frame: string;
  let shape: string;
  let tag: string;
  beforeAll(async () => {
    ({ t, alice } = await startApi(dialect));
    board = await createBoard(alice, { name: 'Private plans' });
    sticky = await createSticky(alice, board);
    text = (await alice.call('POST', `/v2/boards/${enc(board)}/texts`, { data: { content: 't' } })).json().id;
    frame = (await alice.call('POST', `/v2/boards/${enc(board)}/frames`, { data: {} })).json().id;
    shape = (await alice.call('POST', `/v2/boards/${enc(board)}/shapes`, {})).json().id;
    await alice.call('POST', `/v2/boards/${enc(board)}/members`, { emails: ['bob@example.com'], role: 'viewer' });
    tag = (await alice.call('POST', `/v2/boards/${enc(board)}/tags`, { title: 'access' })).json().id;
  });
  afterAll(() => t?.close());

  /** Every route with its placeholders filled with real ids, and a body it would accept. */
  function concreteRoutes() {
    const routes = apiRoutes({ config: t.config, services: t.services } as unknown as AppContext);
    const bodies: Record<string, unknown> = {
      'create-board': {},
      'copy-board': {},
      'update-board': { name: 'x' },
      'create-sticky-note-item': {},
      'update-sticky-note-item': {},
      'create-text-item': { data: { content: 'x' } },
      'update-text-item': {},
      'create-frame-item': { data: {} },
      'update-frame-item': {},
      'create-shape-item': {},
      'update-shape-item': {},
      'update-item-position-or-parent': {},
      'share-board': { emails: ['bob@example.com'] },
      'update-board-member': { role: 'viewer' },
      'create-tag': { title: 'x' },
      'update-tag': {},
    };
    return routes.map((route) => {
      const itemId = route.url.includes('/texts/')
        ? text
        : route.url.includes('/frames/')
          ? frame
          : route.url.includes('/shapes/')
            ? shape
            : sticky;
      let url = route.url
        .replace(':board_id', enc(board))
        .replace(':item_id', itemId)
        .replace(':board_member_id', t.seed.bob.id)
        .replace(':tag_id', tag);
      if (route.operationId === 'copy-board') url += `?copy_from=${enc(board)}`;
      if (route.variant === 'tag_id') url += `?tag_id=${tag}`;
      return { route, url, body: bodies[route.operationId] };
    });
  }

  it('declares a scope and a level on every route, following Miro’s table', () => {
    const table = Object.fromEntries(
      concreteRoutes().map(({ route }) => [
        `${route.method} ${route.url}${route.variant ? `?${route.variant}` : ''}`,
        `${route.scopes.join()} L${route.level}`,
      ]),
    );
    expect(table).toMatchObject({
      'POST /v2/boards': 'boards:write L3',
      'GET /v2/boards': 'boards:read L1',
      'PUT /v2/boards': 'boards:write L4',
      'GET /v2/boards/:board_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id': 'boards:write L2',
      'DELETE /v2/boards/:board_id': 'boards:write L3',
      'POST /v2/boards/:board_id/sticky_notes': 'boards:write L2',
      'GET /v2/boards/:board_id/sticky_notes/:item_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id/sticky_notes/:item_id': 'boards:write L2',
      'DELETE /v2/boards/:board_id/sticky_notes/:item_id': 'boards:write L3',
      'GET /v2/boards/:board_id/items': 'boards:read L2',
      'GET /v2/boards/:board_id/items/:item_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id/items/:item_id': 'boards:write L2',
      'DELETE /v2/boards/:board_id/items/:item_id': 'boards:write L3',
      'POST /v2/boards/:board_id/members': 'boards:write L3',
      'GET /v2/boards/:board_id/members': 'boards:read L1',
      'GET /v2/boards/:board_id/members/:board_member_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id/members/:board_member_id': 'boards:write L2',
      'DELETE /v2/boards/:board_id/members/:board_member_id': 'boards:write L2',
      'POST /v2/boards/:board_id/shapes': 'boards:write L2',
      'GET /v2/boards/:board_id/shapes/:item_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id/shapes/:item_id': 'boards:write L2',
      'DELETE /v2/boards/:board_id/shapes/:item_id': 'boards:write L3',
      'POST /v2/boards/:board_id/tags': 'boards:write L1',
      'GET /v2/boards/:board_id/tags': 'boards:read L1',
      'GET /v2/boards/:board_id/tags/:tag_id': 'boards:read L1',
      'PATCH /v2/boards/:board_id/tags/:tag_id': 'boards:write L1',
      'DELETE /v2/boards/:board_id/tags/:tag_id': 'boards:write L1',
      'GET /v2/boards/:board_id/items/:item_id/tags': 'boards:read L1',
      'GET /v2/boards/:board_id/items?tag_id': 'boards:read L1',
      'POST /v2/boards/:board_id/items/:item_id?tag_id': 'boards:write L1',
      'DELETE /v2/boards/:board_id/items/:item_id?tag_id': 'boards:write L1',
    });
    expect(Object.keys(table)).toHaveLength(40);
  });

  it('refuses every write route to a read-only token, with the scope challenge, and changes nothing', async () => {
    const reader = await apiAs(t, { scopes: ['boards:read'] });
    const before = {
      boards: (await alice.call('GET', '/v2/boards')).json().total,
      items: await t.repos.items.count(board),
    };
    for (const { route, url, body } of concreteRoutes()) {
      const response = await reader.call(route.method, url, body);
      const label = `${route.method} ${route.url}`;
      if (route.scopes.includes('boards:write')) {
        expect(response.statusCode, label).toBe(403);
        expect(response.json(), label).toEqual(
          errorBody(403, 'insufficientPermissions', 'Required scopes: boards:write', {
            requiredScopes: ['boards:write'],
          }),
        );
        expect(response.headers['www-authenticate'], label).toBe(INSUFFICIENT('boards:write'));
      } else {
        expect(response.statusCode, label).toBe(200);
      }
    }
    expect((await alice.call('GET', '/v2/boards')).json().total).toBe(before.boards);
    expect(await t.repos.items.count(board)).toBe(before.items);
    expect((await alice.call('GET', `/v2/boards/${enc(board)}`)).json().name).toBe('Private plans');
  });

  it('refuses every route to a token without board scopes', async () => {
    const nothing = await apiAs(t, { scopes: [] });
    for (const { route, url, body } of concreteRoutes()) {
      const response = await nothing.call(route.method, url, body);
      const scope = route.scopes.join(' ');
      expect(response.statusCode, route.url).toBe(403);
      expect(response.headers['www-authenticate'], route.url).toBe(INSUFFICIENT(scope));
    }
  });

  describe('authentication', () => {
    it('answers 401 tokenNotProvided with a bare challenge and no rate-limit headers', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v2/boards' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(errorBody(401, 'tokenNotProvided', 'No access token was provided.'));
      expect(response.headers['www-authenticate']).toBe('Bearer realm="grantboard"');
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    });

    it('answers 401 tokenInvalid for malformed, unknown and revoked tokens', async () => {
      const challenge =
        'Bearer realm="grantboard", error="invalid_token", error_description="The access token is invalid or has been revoked."';
      const revoked = await apiAs(t);
      await t.services.tokens.revoke(revoked.token);
      for (const authorization of [
        'Bearer',
        'Bearer a b',
        'Basic Zm9vOmJhcg==',
        'Bearer gba_unknown',
        `Bearer ${revoked.token}`,
      ]) {
        const response = await t.app.inject({ method: 'GET', url: '/v2/boards', headers: { authorization } });
        expect(response.statusCode, authorization).toBe(401);
        expect(response.json()).toEqual(
          errorBody(401, 'tokenInvalid', 'The access token is invalid or has been revoked.'),
        );
        expect(response.headers['www-authenticate']).toBe(challenge);
      }
    });

    it('accepts the token as ?access_token=, the header winning when both are sent', async () => {
      const ok = await t.app.inject({ method: 'GET', url: `/v2/boards/${enc(board)}?access_token=${alice.token}` });
      expect(ok.statusCode).toBe(200);
      const both = await t.app.inject({
        method: 'GET',
        url: `/v2/boards?access_token=${alice.token}`,
        headers: { authorization: 'Bearer gba_wrong' },
      });
      expect(both.statusCode).toBe(401);
    });

    it('answers 401 tokenExpired once the access token expires', async () => {
      const soon = await apiAs(t);
      t.clock.advance(3600 * 1000);
      const response = await soon.call('GET', '/v2/boards');
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(errorBody(401, 'tokenExpired', 'The access token has expired.'));
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="grantboard", error="invalid_token", error_description="The access token has expired."',
      );
      alice = await apiAs(t);
    });
  });

  describe('teams', () => {
    it('hides a board from a token of another team, even by id', async () => {
      const bobElsewhere = await apiAs(t, { userId: t.seed.bob.id, teamId: t.seed.otherTeamId });
      const notFound = errorBody(404, 'notFound', `Board ${board} was not found.`);
      for (const [method, url, body] of [
        ['GET', `/v2/boards/${enc(board)}`],
        ['GET', `/v2/boards/${enc(board)}/items`],
        ['GET', `/v2/boards/${enc(board)}/sticky_notes/${sticky}`],
        ['GET', `/v2/boards/${enc(board)}/members`],
        ['PATCH', `/v2/boards/${enc(board)}`, { name: 'stolen' }],
        ['DELETE', `/v2/boards/${enc(board)}`],
        ['POST', `/v2/boards/${enc(board)}/sticky_notes`, {}],
        ['PUT', `/v2/boards?copy_from=${enc(board)}`, {}],
      ] as const) {
        const response = await bobElsewhere.call(method, url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json()).toEqual(notFound);
      }
      const listed = (await bobElsewhere.call('GET', '/v2/boards')).json();
      expect(listed.data.map((b: { id: string }) => b.id)).not.toContain(board);
    });

    it('creates boards in the token’s own team', async () => {
      const bobElsewhere = await apiAs(t, { userId: t.seed.bob.id, teamId: t.seed.otherTeamId });
      const created = (await bobElsewhere.call('POST', '/v2/boards', { name: 'Theirs' })).json();
      expect(created.team.id).toBe(t.seed.otherTeamId);
      expect((await alice.call('GET', `/v2/boards/${enc(created.id)}`)).statusCode).toBe(404);
    });
  });

  describe('board roles on top of scopes', () => {
    let bob: ApiCaller;
    let roleBoard: string;
    const setRole = (role: string) =>
      alice.call('PATCH', `/v2/boards/${enc(roleBoard)}/members/${t.seed.bob.id}`, { role });
    beforeAll(async () => {
      bob = await apiAs(t, { userId: t.seed.bob.id });
      roleBoard = await createBoard(alice, { name: 'Roles' });
    });

    it('hides a private board from a team member who is not on it', async () => {
      expect((await bob.call('GET', `/v2/boards/${enc(roleBoard)}`)).statusCode).toBe(404);
    });

    it('lets a viewer read but not write, even with boards:write', async () => {
      await alice.call('POST', `/v2/boards/${enc(roleBoard)}/members`, { emails: ['bob@example.com'], role: 'viewer' });
      const got = await bob.call('GET', `/v2/boards/${enc(roleBoard)}`);
      expect(got.json().currentUserMembership).toEqual({
        id: t.seed.bob.id,
        name: 'Bob',
        role: 'viewer',
        type: 'board_member',
      });
      const response = await bob.call('POST', `/v2/boards/${enc(roleBoard)}/sticky_notes`, {});
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual(
        errorBody(
          403,
          'insufficientPermissions',
          'Your role on this board (viewer) does not allow you to add items; it needs editor or above.',
          { boardRole: 'viewer', requiredBoardRole: 'editor' },
        ),
      );
      // Not a token problem: no Bearer challenge.
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(await t.repos.items.count(roleBoard)).toBe(0);
    });

    it('keeps a commenter from writing too', async () => {
      await setRole('commenter');
      expect((await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}`, { name: 'x' })).statusCode).toBe(403);
      expect(
        (await bob.call('POST', `/v2/boards/${enc(roleBoard)}/texts`, { data: { content: 'x' } })).statusCode,
      ).toBe(403);
    });

    it('lets an editor write items and rename, but not change the policy, roles, or delete', async () => {
      await setRole('editor');
      expect((await bob.call('POST', `/v2/boards/${enc(roleBoard)}/sticky_notes`, {})).statusCode).toBe(201);
      expect((await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}`, { name: 'Renamed' })).statusCode).toBe(200);
      const policy = await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}`, {
        policy: { sharingPolicy: { teamAccess: 'edit' } },
      });
      expect(policy.statusCode).toBe(403);
      expect(policy.json().context).toEqual({ boardRole: 'editor', requiredBoardRole: 'coowner' });
      expect((await bob.call('DELETE', `/v2/boards/${enc(roleBoard)}`)).statusCode).toBe(403);
      expect(
        (await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}/members/${t.seed.alice.id}`, { role: 'viewer' }))
          .statusCode,
      ).toBe(403);
      // An editor shares, but never above their own role.
      expect(
        (
          await bob.call('POST', `/v2/boards/${enc(roleBoard)}/members`, {
            emails: ['alice@example.com'],
            role: 'coowner',
          })
        ).statusCode,
      ).toBe(403);
    });

    it('lets a co-owner change the policy but never the owner, nor delete the board', async () => {
      await setRole('coowner');
      expect(
        (await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}`, { policy: { sharingPolicy: { teamAccess: 'view' } } }))
          .statusCode,
      ).toBe(200);
      const demote = await bob.call('PATCH', `/v2/boards/${enc(roleBoard)}/members/${t.seed.alice.id}`, {
        role: 'viewer',
      });
      expect(demote.statusCode).toBe(400);
      expect(demote.json().message).toBe("The board owner's role cannot be changed.");
      expect((await bob.call('DELETE', `/v2/boards/${enc(roleBoard)}/members/${t.seed.alice.id}`)).statusCode).toBe(
        400,
      );
      expect((await bob.call('DELETE', `/v2/boards/${enc(roleBoard)}`)).statusCode).toBe(403);
      expect((await alice.call('GET', `/v2/boards/${enc(roleBoard)}`)).json().currentUserMembership.role).toBe('owner');
    });

    it('gives team members the team-access role on an open board', async () => {
      // Bob leaves; the board's team access (view, set above) still lets him read.
      expect((await bob.call('DELETE', `/v2/boards/${enc(roleBoard)}/members/${t.seed.bob.id}`)).statusCode).toBe(204);
      const got = await bob.call('GET', `/v2/boards/${enc(roleBoard)}`);
      expect(got.json().currentUserMembership.role).toBe('viewer');
      const listed = (await bob.call('GET', '/v2/boards')).json().data.map((b: { id: string }) => b.id);
      expect(listed).toContain(roleBoard);
      expect((await bob.call('POST', `/v2/boards/${enc(roleBoard)}/sticky_notes`, {})).statusCode).toBe(403);
    });
  });

  describe('error shapes', () => {
    it('answers unknown routes under /v2 with notFound', async () => {
      const response = await alice.call('GET', '/v2/nothing-here');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(errorBody(404, 'notFound', 'No route for GET /v2/nothing-here'));
    });

    it('answers malformed JSON, wrong media types and oversized bodies in the envelope', async () => {
      const badJson = await alice.call('POST', '/v2/boards', '{"name": ');
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json()).toEqual(errorBody(400, 'invalidParameters', 'The request body is not valid JSON.'));
      const text = await alice.call('POST', '/v2/boards', 'name=x', { 'content-type': 'text/plain' });
      expect(text.statusCode).toBe(400);
      expect(text.json()).toEqual(errorBody(400, 'invalidParameters', 'Send the request body as application/json.'));
      const form = await alice.call('POST', '/v2/boards', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(form.statusCode).toBe(400);
      expect(form.json().code).toBe('invalidParameters');
      const huge = await alice.call('POST', '/v2/boards', { name: 'x', description: 'y'.repeat(70_000) });
      expect(huge.statusCode).toBe(413);
      expect(huge.json()).toEqual(errorBody(413, 'payloadTooLarge', 'The request body is too large.'));
      const proto = await alice.call('POST', '/v2/boards', '{"__proto__": {"admin": true}}');
      expect(proto.statusCode).toBe(400);
      expect(proto.json().code).toBe('invalidParameters');
    });

    it('never answers in Fastify’s default error shape', async () => {
      for (const response of [
        await alice.call('GET', '/v2/boards?limit=abc'),
        await alice.call('PATCH', `/v2/boards/${enc(board)}`, []),
        await alice.call('POST', `/v2/boards/${enc(board)}/members`, { emails: 'bob@example.com' }),
      ]) {
        expect(response.statusCode).toBe(400);
        expect(Object.keys(response.json()).sort()).toEqual(['code', 'context', 'message', 'status', 'type']);
      }
    });
  });
});

describe.each(DIALECTS)('API rate limits (in process) on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { RATE_LIMIT_CREDITS_PER_MINUTE: '1000' });
  });
  afterAll(() => t?.close());

  it('spends credits by level, answers 429 with Retry-After, and recovers in the next window', async () => {
    // The test clock starts at 12:00:00 exactly; move into the window so Retry-After is partial.
    t.clock.advance(15_000);
    const alice = await apiAs(t);
    const board = await createBoard(alice, { name: 'Budget' }); // level 3: 500 credits
    const resetAt = String(Date.UTC(2026, 10, 29, 12, 1) / 1000);
    const remaining: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await alice.call('GET', `/v2/boards/${enc(board)}`); // level 1: 50 credits
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe('1000');
      expect(response.headers['x-ratelimit-reset']).toBe(resetAt);
      remaining.push(response.headers['x-ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['450', '400', '350', '300', '250', '200', '150', '100', '50', '0']);
    const refused = await alice.call('GET', `/v2/boards/${enc(board)}`);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual(
      errorBody(429, 'tooManyRequests', 'Request rate limit exceeded: retry in 45 seconds.'),
    );
    expect(refused.headers['retry-after']).toBe('45');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');

    // The budget is per user per app: Bob is unaffected.
    const bob = await apiAs(t, { userId: t.seed.bob.id });
    expect((await bob.call('GET', '/v2/boards')).headers['x-ratelimit-remaining']).toBe('950');

    t.clock.advance(45_000);
    const recovered = await alice.call('GET', `/v2/boards/${enc(board)}`);
    expect(recovered.statusCode).toBe(200);
    expect(recovered.headers['x-ratelimit-remaining']).toBe('950');
  });

  it('refuses a request that costs more than what is left, while a cheaper one still fits', async () => {
    t.clock.advance(60_000);
    const alice = await apiAs(t);
    await createBoard(alice); // 500
    await createBoard(alice); // 1000: spent
    const refused = await alice.call('GET', '/v2/boards');
    expect(refused.statusCode).toBe(429);
    t.clock.advance(60_000);
    const copy = await alice.call('PUT', '/v2/boards?copy_from=x'); // level 4: 2000 > 1000, never fits
    expect(copy.statusCode).toBe(429);
    expect((await alice.call('GET', '/v2/boards')).headers['x-ratelimit-remaining']).toBe('950');
  });
});
