import type { Services } from './domain/services.js';
import type { Repositories } from './storage/repositories/index.js';

export const DEMO_PASSWORD = 'grantboard-demo';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** Where the Sticky List example serves itself by default. */
export const STICKY_LIST_URL = 'http://localhost:4100';

export interface DemoData {
  created: boolean;
  users: { email: string; password: string; name: string; id: string }[];
  teams: { id: string; name: string }[];
  apps: { clientId: string; clientSecret: string | undefined; name: string; expiring: boolean; redirectUri: string }[];
  /** Alice's boards, with their pages (where board apps such as Sticky List run). */
  boards: { name: string; url: string }[];
}

const DEMO_NOTES = [
  { content: 'Sign-in with passkeys', fillColor: 'light_yellow' },
  { content: 'Board templates', fillColor: 'light_green' },
  { content: 'Offline mode', fillColor: 'light_pink' },
  { content: 'Faster search', fillColor: 'light_blue' },
] as const;

/**
 * Boards for the demo users: a roadmap the Design team can edit, with a frame and sticky notes; a
 * retro shared with Bob as commenter; an Engineering board with a text and notes.
 */
async function seedDemoBoards(
  services: Services,
  ids: { alice: string; designTeam: string; engineeringTeam: string },
): Promise<void> {
  // The demo acts as Alice directly, not through an app.
  const design = { userId: ids.alice, teamId: ids.designTeam, appId: 'demo' };
  const roadmap = await services.boards.create(design, {
    name: 'Product roadmap',
    description: 'What we build next',
    policy: { sharingPolicy: { teamAccess: 'edit' } },
  });
  const now = await services.items.create(design, roadmap.board.id, 'frame', {
    data: { title: 'Now' },
    position: { x: 0, y: 0 },
    geometry: { width: 1000, height: 600 },
  });
  for (const [i, note] of DEMO_NOTES.entries()) {
    await services.items.create(design, roadmap.board.id, 'sticky_note', {
      data: { content: note.content },
      style: { fillColor: note.fillColor },
      position: { x: 150 + (i % 2) * 250, y: 150 + Math.floor(i / 2) * 280 },
      ...(i < 2 ? { parent: { id: now.id } } : {}),
    });
  }
  const retro = await services.boards.create(design, { name: 'Sprint retro', description: 'Went well, to improve' });
  for (const [i, content] of ['Shipped on time', 'Fewer meetings', 'More pairing'].entries()) {
    await services.items.create(design, retro.board.id, 'sticky_note', {
      data: { content },
      position: { x: i * 230, y: 0 },
    });
  }
  await services.boardMembers.share(design, retro.board.id, [BOB], 'commenter');

  const engineering = { userId: ids.alice, teamId: ids.engineeringTeam, appId: 'demo' };
  const architecture = await services.boards.create(engineering, { name: 'Architecture' });
  await services.items.create(engineering, architecture.board.id, 'text', { data: { content: 'Request flow' } });
  for (const [i, content] of ['Load balancer', 'Grantboard × 3', 'PostgreSQL', 'Redis'].entries()) {
    await services.items.create(engineering, architecture.board.id, 'sticky_note', {
      data: { content, shape: 'rectangle' },
      position: { x: i * 400, y: 200 },
    });
  }
}

/**
 * Seeds an organization, two teams, two users, two REST apps (expiring and non-expiring tokens), a
 * board app for the Web SDK ("Sticky List") and a few boards with sticky notes, once.
 * Run again, it finds them and reports them unchanged.
 */
export async function seedDemo(repos: Repositories, services: Services, publicUrl: string): Promise<DemoData> {
  const redirectUri = `${publicUrl}/demo/callback`;
  let alice = await repos.users.findByEmail(ALICE);
  const created = alice === undefined;
  if (!alice) {
    alice = await services.accounts.createUser({ email: ALICE, password: DEMO_PASSWORD, name: 'Alice Admin' });
    const bob = await services.accounts.createUser({ email: BOB, password: DEMO_PASSWORD, name: 'Bob Member' });
    const org = await services.accounts.createOrganization('Acme Inc.');
    const design = await services.accounts.createTeam({ name: 'Acme Design', organizationId: org.id });
    const engineering = await services.accounts.createTeam({ name: 'Acme Engineering', organizationId: org.id });
    await services.accounts.addMember(design.id, alice.id, 'admin');
    await services.accounts.addMember(engineering.id, alice.id, 'admin');
    await services.accounts.addMember(design.id, bob.id, 'member');
    const common = { teamId: engineering.id, createdBy: alice.id, redirectUris: [redirectUri] };
    await services.apps.create({
      ...common,
      name: 'Sticky Sync',
      scopes: ['boards:read', 'boards:write', 'identity:read'],
      expiring: true,
    });
    await services.apps.create({ ...common, name: 'Board Reporter', scopes: ['boards:read'], expiring: false });
    // A board app for the Web SDK: the example in examples/sticky-list (`npm run example:sticky-list`).
    await services.apps.create({
      teamId: engineering.id,
      createdBy: alice.id,
      name: 'Sticky List',
      redirectUris: [`${STICKY_LIST_URL}/callback`],
      sdkUri: `${STICKY_LIST_URL}/`,
      sdkRedirectUri: `${STICKY_LIST_URL}/callback`,
      scopes: ['boards:read', 'boards:write', 'identity:read'],
      expiring: true,
    });
    await seedDemoBoards(services, { alice: alice.id, designTeam: design.id, engineeringTeam: engineering.id });
  }
  const users = await Promise.all(
    [ALICE, BOB].map(async (email) => {
      const user = (await repos.users.findByEmail(email))!;
      return { email, password: DEMO_PASSWORD, name: user.name, id: user.id };
    }),
  );
  const teams = (await repos.teams.teamsOf(alice.id)).map((t) => ({ id: t.id, name: t.name }));
  const apps = (await repos.apps.list())
    .filter((a) => a.createdBy === alice.id)
    .map((a) => ({
      clientId: a.id,
      clientSecret: services.apps.revealSecret(a),
      name: a.name,
      expiring: a.expiring,
      redirectUri: a.redirectUris[0] as string,
    }));
  const boards: DemoData['boards'] = [];
  for (const team of teams) {
    const { rows } = await repos.boards.list({
      teamId: team.id,
      userId: alice.id,
      sort: 'alphabetically',
      limit: 50,
      offset: 0,
    });
    boards.push(...rows.map((b) => ({ name: b.name, url: `${publicUrl}/app/board/${encodeURIComponent(b.id)}/` })));
  }
  return { created, users, teams, apps, boards };
}
