import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/demo.js';
import { createServices } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { createRepositories } from '../src/storage/repositories/index.js';
import { testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { DIALECTS } from './helpers/dialects.js';

describe.each(DIALECTS)('demo boards on %s', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(() => db?.drop());

  it('seeds boards with sticky notes for the demo users once, and only when it creates the demo data', async () => {
    const config = testConfig({ DATABASE_URL: db.url });
    const repos = createRepositories(db.database.db);
    const services = createServices({ config, repos, clock: systemClock });
    const first = await seedDemo(repos, services, config.publicUrl);
    expect(first.created).toBe(true);
    const alice = first.users.find((u) => u.email === 'alice@example.com')!;
    const bob = first.users.find((u) => u.email === 'bob@example.com')!;
    const design = first.teams.find((team) => team.name === 'Acme Design')!;
    const asAlice = { userId: alice.id, teamId: design.id, appId: 'test' };
    const asBob = { userId: bob.id, teamId: design.id, appId: 'test' };
    const list = (actor: typeof asAlice) => services.boards.list(actor, { limit: 50, offset: 0 });

    const aliceBoards = await list(asAlice);
    expect(aliceBoards.boards.map((b) => b.board.name).sort()).toEqual(['Product roadmap', 'Sprint retro']);
    const roadmap = aliceBoards.boards.find((b) => b.board.name === 'Product roadmap')!;
    const items = await services.items.list(asAlice, roadmap.board.id, { limit: 50 });
    expect(items.total).toBe(5);
    expect(items.items.filter((item) => item.type === 'sticky_note')).toHaveLength(4);

    // Bob edits the roadmap through team access and comments on the retro he was invited to.
    const bobBoards = await list(asBob);
    expect(Object.fromEntries(bobBoards.boards.map((b) => [b.board.name, b.role]))).toEqual({
      'Product roadmap': 'editor',
      'Sprint retro': 'commenter',
    });

    const again = await seedDemo(repos, services, config.publicUrl);
    expect(again.created).toBe(false);
    expect((await list(asAlice)).total).toBe(2);
    expect(again.boards.find((b) => b.name === 'Product roadmap')?.url).toBe(
      `${config.publicUrl}/app/board/${encodeURIComponent(roadmap.board.id)}/`,
    );
  });

  it('registers the Sticky List board app, served by examples/sticky-list, with its SDK redirect URI', async () => {
    const apps = await createRepositories(db.database.db).apps.list();
    const stickyList = apps.find((a) => a.name === 'Sticky List');
    expect(stickyList).toMatchObject({
      sdkUri: 'http://localhost:4100/',
      sdkRedirectUri: 'http://localhost:4100/callback',
      scopes: ['boards:read', 'boards:write', 'identity:read'],
      expiring: true,
    });
    expect(stickyList?.isPublic).toBe(false);
  });
});
