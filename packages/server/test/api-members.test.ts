import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, apiAs, enc, errorBody, startBoardApi } from './helpers/api.js';
import { PASSWORD, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

const BASE = 'http://localhost:3000';
const ALREADY_MEMBER = 'Already a member of the board; sharing does not change roles (a co-owner changes them).';

describe.each(DIALECTS)('board members API on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let members: string;
  const extra: { id: string; email: string }[] = [];
  beforeAll(async () => {
    ({ t, alice, board } = await startBoardApi(dialect, 'Team space'));
    members = `/v2/boards/${enc(board)}/members`;
    for (const name of ['Carol', 'Dan', 'Erin']) {
      const user = await t.services.accounts.createUser({
        email: `${name.toLowerCase()}@example.com`,
        password: PASSWORD,
        name,
      });
      extra.push({ id: user.id, email: user.email });
    }
  });
  afterAll(() => t?.close());

  it('shares by email with a role, reporting unknown addresses and the owner', async () => {
    const response = await alice.call('POST', members, {
      emails: ['Bob@Example.com', 'carol@example.com', 'nobody@example.com', 'alice@example.com'],
      role: 'editor',
      message: 'Join us',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      successful: [t.seed.bob.id, extra[0]!.id],
      failed: [
        { email: 'nobody@example.com', reason: 'There is no user with this email.' },
        { email: 'alice@example.com', reason: ALREADY_MEMBER },
      ],
    });
  });

  it("only adds members: an editor's share leaves an existing member's role as it is and reports it", async () => {
    // Bob and Carol are editors (the first test); Bob tries to demote Carol and to re-share himself.
    const bob = await apiAs(t, { userId: t.seed.bob.id });
    const demote = await bob.call('POST', members, {
      emails: ['carol@example.com', 'bob@example.com'],
      role: 'viewer',
    });
    expect(demote.statusCode).toBe(201);
    expect(demote.json()).toEqual({
      successful: [],
      failed: [
        { email: 'carol@example.com', reason: ALREADY_MEMBER },
        { email: 'bob@example.com', reason: ALREADY_MEMBER },
      ],
    });
    expect((await alice.call('GET', `${members}/${extra[0]!.id}`)).json().role).toBe('editor');
    expect((await alice.call('GET', `${members}/${t.seed.bob.id}`)).json().role).toBe('editor');
    // Not even the owner promotes through share: a role change is PATCH and needs a co-owner.
    const promote = await alice.call('POST', members, { emails: ['carol@example.com'], role: 'coowner' });
    expect(promote.json()).toEqual({
      successful: [],
      failed: [{ email: 'carol@example.com', reason: ALREADY_MEMBER }],
    });
    expect((await alice.call('GET', `${members}/${extra[0]!.id}`)).json().role).toBe('editor');
    // An editor gives at most editor to a new member.
    const above = await bob.call('POST', members, { emails: [extra[2]!.email], role: 'coowner' });
    expect(above.statusCode).toBe(403);
    expect(above.json().context).toEqual({ boardRole: 'editor', requiredBoardRole: 'coowner' });
    expect((await alice.call('GET', `${members}/${extra[2]!.id}`)).statusCode).toBe(404);
  });

  it('shares with commenter by default', async () => {
    await alice.call('POST', members, { emails: [extra[1]!.email] });
    const member = await alice.call('GET', `${members}/${extra[1]!.id}`);
    expect(member.json()).toEqual({
      id: extra[1]!.id,
      name: 'Dan',
      role: 'commenter',
      type: 'board_member',
      links: { self: `${BASE}/v2/boards/${enc(board)}/members/${extra[1]!.id}` },
    });
  });

  it('lists members owner first with offset pagination', async () => {
    const page = (await alice.call('GET', `${members}?limit=2`)).json();
    expect(page).toMatchObject({ total: 4, size: 2, offset: 0, limit: 2, type: 'list' });
    expect(page.data[0]).toMatchObject({ id: t.seed.alice.id, role: 'owner' });
    expect(page.links.next).toBe(`${BASE}/v2/boards/${enc(board)}/members?limit=2&offset=2`);
    const rest = (await alice.call('GET', `${members}?limit=2&offset=2`)).json();
    expect(rest.size).toBe(2);
    const ids = [...page.data, ...rest.data].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('changes a role and removes a member; 404s a user who is not a member', async () => {
    const changed = await alice.call('PATCH', `${members}/${extra[0]!.id}`, { role: 'coowner' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().role).toBe('coowner');
    const owner = await alice.call('PATCH', `${members}/${extra[0]!.id}`, { role: 'owner' });
    expect(owner.statusCode).toBe(400);
    expect(owner.json().context.fields).toEqual([
      { in: 'body', field: 'role', message: 'must be one of: viewer, commenter, editor, coowner' },
    ]);
    expect((await alice.call('DELETE', `${members}/${extra[0]!.id}`)).statusCode).toBe(204);
    const gone = await alice.call('GET', `${members}/${extra[0]!.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual(errorBody(404, 'notFound', `Board member ${extra[0]!.id} was not found.`));
    expect((await alice.call('GET', `${members}/${extra[2]!.id}`)).statusCode).toBe(404);
  });

  it('lets a member leave, but not remove others without being a co-owner', async () => {
    await t.services.accounts.addMember(t.seed.teamId, extra[1]!.id, 'member');
    const danInTeam = await apiAs(t, { userId: extra[1]!.id });
    expect((await danInTeam.call('GET', `/v2/boards/${enc(board)}`)).json().currentUserMembership.role).toBe(
      'commenter',
    );
    const refused = await danInTeam.call('DELETE', `${members}/${t.seed.bob.id}`);
    expect(refused.statusCode).toBe(403);
    expect((await danInTeam.call('DELETE', `${members}/${extra[1]!.id}`)).statusCode).toBe(204);
    expect((await danInTeam.call('GET', `/v2/boards/${enc(board)}`)).statusCode).toBe(404);
  });

  it('keeps sharing to co-owners when the policy says so', async () => {
    await alice.call('PATCH', `/v2/boards/${enc(board)}`, {
      policy: { permissionsPolicy: { sharingAccess: 'owner_and_coowners' } },
    });
    const bob = await apiAs(t, { userId: t.seed.bob.id });
    const response = await bob.call('POST', members, { emails: [extra[2]!.email], role: 'viewer' });
    expect(response.statusCode).toBe(403);
    expect(response.json().context).toEqual({ boardRole: 'editor', requiredBoardRole: 'coowner' });
    expect((await alice.call('GET', `${members}/${extra[2]!.id}`)).statusCode).toBe(404);
  });

  it('refuses more than 20 emails and malformed ones', async () => {
    const many = await alice.call('POST', members, {
      emails: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`),
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().context.fields[0].field).toBe('emails');
    const malformed = await alice.call('POST', members, { emails: ['not an email'] });
    expect(malformed.json().context.fields[0].field).toBe('emails.0');
    const empty = await alice.call('POST', members, { emails: [] });
    expect(empty.statusCode).toBe(400);
  });
});
