import type { Services } from './domain/services.js';
import type { Repositories } from './storage/repositories/index.js';

export const DEMO_PASSWORD = 'grantboard-demo';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

export interface DemoData {
  created: boolean;
  users: { email: string; password: string; name: string; id: string }[];
  teams: { id: string; name: string }[];
  apps: { clientId: string; clientSecret: string | undefined; name: string; expiring: boolean; redirectUri: string }[];
}

/**
 * Seeds an organization, two teams, two users and two apps (expiring and non-expiring tokens), once.
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
  }
  const users = await Promise.all(
    [ALICE, BOB].map(async (email) => {
      const user = (await repos.users.findByEmail(email))!;
      return { email, password: DEMO_PASSWORD, name: user.name, id: user.id };
    }),
  );
  const teams = (await repos.teams.teamsOf(alice.id)).map((t) => ({ id: t.id, name: t.name }));
  const apps = (await repos.apps.list())
    .filter((a) => a.created_by === alice.id)
    .map((a) => ({
      clientId: a.id,
      clientSecret: services.apps.revealSecret(a),
      name: a.name,
      expiring: a.expiring === 1,
      redirectUri: JSON.parse(a.redirect_uris)[0] as string,
    }));
  return { created, users, teams, apps };
}
