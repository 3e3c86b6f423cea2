import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, apiAs, createBoard, createSticky, enc, errorBody, startApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const NOW = '2026-11-29T12:00:00.000Z';
const BASE = 'http://localhost:3000';

describe.each(DIALECTS)('boards API on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  beforeAll(async () => {
    ({ t, alice } = await startApi(dialect));
  });
  afterAll(() => t?.close());

  it('creates a board in the token team with the user as owner, in Miro’s shape', async () => {
    const response = await alice.call('POST', '/v2/boards', { name: 'Roadmap', description: 'Q1 plans' });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.id).toMatch(/^uXjV[A-Za-z0-9_-]{7}=$/);
    const alicePerson = { id: t.seed.alice.id, name: 'Alice', type: 'user' };
    expect(body).toEqual({
      id: body.id,
      type: 'board',
      name: 'Roadmap',
      description: 'Q1 plans',
      team: { id: t.seed.teamId, name: 'Design', type: 'team' },
      policy: {
        permissionsPolicy: {
          collaborationToolsStartAccess: 'all_editors',
          copyAccess: 'anyone',
          sharingAccess: 'team_members_with_editing_rights',
        },
        sharingPolicy: {
          access: 'private',
          inviteToAccountAndBoardLinkAccess: 'no_access',
          organizationAccess: 'private',
          teamAccess: 'private',
          accessPasswordRequired: false,
        },
      },
      viewLink: `${BASE}/app/board/${enc(body.id)}/`,
      owner: alicePerson,
      currentUserMembership: { id: t.seed.alice.id, name: 'Alice', role: 'owner', type: 'board_member' },
      createdAt: NOW,
      createdBy: alicePerson,
      modifiedAt: NOW,
      modifiedBy: alicePerson,
      links: {
        self: `${BASE}/v2/boards/${enc(body.id)}`,
        related: `${BASE}/v2/boards/${enc(body.id)}/members?limit=20&offset=0`,
      },
    });
  });

  it('creates an Untitled board without a body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v2/boards',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'Untitled', description: '' });
  });

  it('refuses a teamId other than the token team', async () => {
    const response = await alice.call('POST', '/v2/boards', { name: 'Elsewhere', teamId: t.seed.otherTeamId });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      errorBody(
        400,
        'invalidParameters',
        `A board can only be created in the team the access token was issued for (${t.seed.teamId}).`,
        {
          fields: [
            {
              in: 'body',
              field: 'teamId',
              message: `A board can only be created in the team the access token was issued for (${t.seed.teamId}).`,
            },
          ],
        },
      ),
    );
  });

  it('gets a board by its percent-encoded id, and 404s an unknown one', async () => {
    const id = await createBoard(alice, { name: 'Encoded' });
    const response = await alice.call('GET', `/v2/boards/${enc(id)}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, name: 'Encoded' });
    const missing = await alice.call('GET', '/v2/boards/uXjVmissing%3D');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(errorBody(404, 'notFound', 'Board uXjVmissing= was not found.'));
  });

  it('updates name, description and policy, and records who changed it', async () => {
    const id = await createBoard(alice, { name: 'Before' });
    t.clock.advance(60_000);
    const response = await alice.call('PATCH', `/v2/boards/${enc(id)}`, {
      name: 'After',
      description: 'now',
      policy: { sharingPolicy: { teamAccess: 'view' } },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      name: 'After',
      description: 'now',
      createdAt: NOW,
      modifiedAt: '2026-11-29T12:01:00.000Z',
    });
    expect(body.policy.sharingPolicy.teamAccess).toBe('view');
    expect(body.policy.sharingPolicy.access).toBe('private');
  });

  it('deletes a board with its items', async () => {
    const id = await createBoard(alice, { name: 'Doomed' });
    await createSticky(alice, id);
    const response = await alice.call('DELETE', `/v2/boards/${enc(id)}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await alice.call('GET', `/v2/boards/${enc(id)}`)).statusCode).toBe(404);
    expect(await t.repos.items.count(id)).toBe(0);
    expect((await alice.call('DELETE', `/v2/boards/${enc(id)}`)).statusCode).toBe(404);
  });

  it('copies a board with its items and frames into a board the user owns', async () => {
    const source = await createBoard(alice, { name: 'Template', description: 'source' });
    const frame = (await alice.call('POST', `/v2/boards/${enc(source)}/frames`, { data: { title: 'Area' } })).json()
      .id as string;
    await createSticky(alice, source, { data: { content: 'inside' }, parent: { id: frame } });
    await createSticky(alice, source, { data: { content: 'outside' } });
    const response = await alice.call('PUT', `/v2/boards?copy_from=${enc(source)}`, { name: 'Copy' });
    expect(response.statusCode).toBe(201);
    const copy = response.json();
    expect(copy).toMatchObject({ name: 'Copy', description: 'source', currentUserMembership: { role: 'owner' } });
    expect(copy.id).not.toBe(source);
    const items = (await alice.call('GET', `/v2/boards/${enc(copy.id)}/items?limit=50`)).json();
    expect(items.total).toBe(3);
    const copiedFrame = items.data.find((i: { type: string }) => i.type === 'frame');
    const inside = items.data.find((i: { data: { content?: string } }) => i.data.content === 'inside');
    expect(copiedFrame.id).not.toBe(frame);
    expect(inside.parent).toEqual({ id: copiedFrame.id });
    const defaultName = (await alice.call('PUT', `/v2/boards?copy_from=${enc(source)}`)).json();
    expect(defaultName.name).toBe('Copy of Template');
    const missing = await alice.call('PUT', '/v2/boards?copy_from=uXjVnothere%3D');
    expect(missing.statusCode).toBe(404);
  });

  describe('listing', () => {
    let lister: ApiCaller;
    const names = ['Alpha plan', 'beta Board', 'Gamma', 'delta 100%', 'Epsilon_x'];
    beforeAll(async () => {
      // A fresh user in a fresh team, so earlier tests' boards do not count.
      const user = await t.services.accounts.createUser({
        email: 'lister@example.com',
        password: 'password1',
        name: 'Lister',
      });
      const team = await t.services.accounts.createTeam({ name: 'Listing', organizationId: t.seed.orgId });
      await t.services.accounts.addMember(team.id, user.id, 'admin');
      lister = await apiAs(t, { userId: user.id, teamId: team.id });
      for (const name of names) {
        await createBoard(lister, { name });
        t.clock.advance(1000);
      }
    });

    it('pages by offset with total, size, links and type list', async () => {
      const first = await lister.call('GET', '/v2/boards?limit=2');
      expect(first.statusCode).toBe(200);
      const body = first.json();
      expect(body).toMatchObject({ total: 5, size: 2, offset: 0, limit: 2, type: 'list' });
      // Newest first by default.
      expect(body.data.map((b: { name: string }) => b.name)).toEqual(['Epsilon_x', 'delta 100%']);
      expect(body.links).toEqual({
        self: `${BASE}/v2/boards?limit=2&offset=0`,
        first: `${BASE}/v2/boards?limit=2&offset=0`,
        last: `${BASE}/v2/boards?limit=2&offset=4`,
        next: `${BASE}/v2/boards?limit=2&offset=2`,
      });
      const last = (await lister.call('GET', '/v2/boards?limit=2&offset=4')).json();
      expect(last).toMatchObject({ total: 5, size: 1, offset: 4 });
      expect(last.links.prev).toBe(`${BASE}/v2/boards?limit=2&offset=2`);
      expect(last.links.next).toBeUndefined();
    });

    it('filters by name ignoring case, with LIKE wildcards taken literally', async () => {
      const query = async (q: string) =>
        (await lister.call('GET', `/v2/boards?query=${encodeURIComponent(q)}`))
          .json()
          .data.map((b: { name: string }) => b.name);
      expect(await query('BOARD')).toEqual(['beta Board']);
      expect(await query('%')).toEqual(['delta 100%']);
      expect(await query('_')).toEqual(['Epsilon_x']);
      expect(await query('nothing')).toEqual([]);
    });

    it('sorts alphabetically and by last modified', async () => {
      const alphabetical = (await lister.call('GET', '/v2/boards?sort=alphabetically')).json();
      expect(alphabetical.data.map((b: { name: string }) => b.name)).toEqual([
        'Alpha plan',
        'beta Board',
        'delta 100%',
        'Epsilon_x',
        'Gamma',
      ]);
      const gamma = alphabetical.data[4].id;
      t.clock.advance(1000);
      await lister.call('PATCH', `/v2/boards/${enc(gamma)}`, { description: 'touched' });
      const modified = (await lister.call('GET', '/v2/boards?sort=last_modified&limit=1')).json();
      expect(modified.data[0].id).toBe(gamma);
    });

    it('filters by owner and by team, where another team lists nothing', async () => {
      const mine = (await lister.call('GET', `/v2/boards?owner=${t.seed.alice.id}`)).json();
      expect(mine.total).toBe(0);
      const other = (await lister.call('GET', `/v2/boards?team_id=${t.seed.teamId}`)).json();
      expect(other).toMatchObject({ total: 0, size: 0, data: [] });
    });

    it('rejects a limit beyond 50 and an unknown sort', async () => {
      const response = await lister.call('GET', '/v2/boards?limit=51&sort=random');
      expect(response.statusCode).toBe(400);
      expect(response.json().context.fields).toEqual([
        { in: 'query', field: 'limit', message: 'expected integer to be less or equal to 50' },
        {
          in: 'query',
          field: 'sort',
          message: 'must be one of: default, last_modified, last_opened, last_created, alphabetically',
        },
      ]);
    });
  });
});
