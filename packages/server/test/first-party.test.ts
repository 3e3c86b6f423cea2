import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../src/domain/errors.js';
import { numericId } from '../src/lib/ids.js';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { tokenRequest } from './helpers/oauth.js';
import { type Browser, csrfOf, signIn } from './helpers/web.js';

describe.each(DIALECTS)('trusted first-party apps on %s', (dialect) => {
  let t: TestApp;
  let admin: Browser;
  const authorizeUrl = (clientId: string, teamId?: string) =>
    `/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      state: 'st-1',
      ...(teamId ? { team_id: teamId } : {}),
    })}`;
  const orgApps = () => `/organizations/${t.seed.orgId}/apps`;

  async function mark(b: Browser, appId: string, firstParty: boolean) {
    const page = await b.get(orgApps());
    return b.post(`${orgApps()}/${appId}/first-party`, {
      csrf: csrfOf(page.body),
      first_party: firstParty ? '1' : '0',
    });
  }

  beforeAll(async () => {
    t = await startTestApp(dialect);
    admin = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks for consent until an organization admin marks the app first party, which is audited', async () => {
    const app = t.seed.expiringApp;
    expect((await admin.get(authorizeUrl(app.id))).statusCode).toBe(200);
    const marked = await mark(admin, app.id, true);
    expect(marked.statusCode).toBe(303);
    expect((await admin.get(orgApps())).body).toContain('First party');
    const audit = await admin.get(`/teams/${t.seed.teamId}/audit`);
    expect(audit.body).toContain('was marked first party');
  });

  it('authorizes without the consent page when exactly one team can be chosen; the code works', async () => {
    const app = t.seed.expiringApp;
    const answer = await admin.get(authorizeUrl(app.id));
    expect(answer.statusCode).toBe(303);
    const location = new URL(answer.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('team_id')).toBe(t.seed.teamId);
    const exchanged = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: app.id,
      client_secret: t.seed.expiringSecret,
      code: location.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
    });
    expect(exchanged.statusCode).toBe(200);
    expect(await t.services.installs.grantedScopes(app, t.seed.teamId)).toEqual(app.scopes);
  });

  it('still shows the team picker when several teams are open and the app is installed in none or several', async () => {
    // Bob may install in Design (member) and Other (admin); the app is in neither.
    const forever = t.seed.nonExpiringApp;
    await mark(admin, forever.id, true);
    const bob = await signIn(t.app, t.seed.bob.email);
    const page = await bob.get(authorizeUrl(forever.id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="team_id"');
    // Installed in one of them: that is the team.
    await t.services.installs.install(forever, t.seed.otherTeamId, t.seed.bob.id, forever.scopes);
    const installedOnce = await bob.get(authorizeUrl(forever.id));
    expect(installedOnce.statusCode).toBe(303);
    expect(new URL(installedOnce.headers.location as string).searchParams.get('team_id')).toBe(t.seed.otherTeamId);
    // Installed in both: a choice again — unless the request names the team.
    await t.services.installs.install(forever, t.seed.teamId, t.seed.alice.id, forever.scopes);
    expect((await bob.get(authorizeUrl(forever.id))).statusCode).toBe(200);
    const named = await bob.get(authorizeUrl(forever.id, t.seed.teamId));
    expect(named.statusCode).toBe(303);
    expect(new URL(named.headers.location as string).searchParams.get('team_id')).toBe(t.seed.teamId);
  });

  it('asks for consent again once unmarked', async () => {
    expect((await mark(admin, t.seed.expiringApp.id, false)).statusCode).toBe(303);
    expect((await admin.get(authorizeUrl(t.seed.expiringApp.id))).statusCode).toBe(200);
  });

  it('never skips consent for a client that registered itself, even if its row says first party', async () => {
    const agent = {
      ...t.seed.publicApp,
      id: numericId(),
      name: 'Self-registered agent',
      registration: 'dynamic' as const,
      registrationExpiresAt: null,
    };
    await t.repos.apps.create(agent);
    await expect(t.services.firstParty.set(t.seed.orgId, t.seed.alice.id, agent.id, true)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await t.repos.organizations.setFirstParty(agent.id, true);
    const page = await admin.get(
      `${authorizeUrl(agent.id)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="decision" value="allow"');
  });

  it('lets only organization admins mark apps', async () => {
    const carol = await t.services.accounts.createUser({
      email: 'carol@example.com',
      password: PASSWORD,
      name: 'Carol',
    });
    await t.services.accounts.addMember(t.seed.teamId, carol.id, 'member');
    const member = await signIn(t.app, 'carol@example.com');
    expect((await member.get(orgApps())).statusCode).toBe(403);
    const csrf = csrfOf((await member.get('/')).body);
    const posted = await member.post(`${orgApps()}/${t.seed.expiringApp.id}/first-party`, { csrf, first_party: '1' });
    expect(posted.statusCode).toBe(403);
    expect((await t.services.apps.find(t.seed.expiringApp.id))?.firstParty).toBe(false);
  });
});
