import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/domain/services.js';
import { REDIRECT_URI, startTestApp, TEST_SECRET_KEY, type TestApp, testConfig } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, issueCode, tokenRequest } from './helpers/oauth.js';
import { type Browser, sessionCsrf, signIn } from './helpers/web.js';

const DAY = 24 * 3600 * 1000;

describe.each(DIALECTS)('client secret rotation with an overlap on %s', (dialect) => {
  let t: TestApp;
  let alice: Browser;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    alice = await signIn(t.app, t.seed.alice.email);
  });
  afterAll(() => t?.close());

  /** A code exchange through the real token endpoint, authenticated with `secret` (form or Basic). */
  async function exchange(appId: string, secret: string, via: 'form' | 'basic' = 'form') {
    const app = (await t.repos.apps.findById(appId))!;
    const code = await issueCode(t, { app });
    const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
    const response =
      via === 'form'
        ? await tokenRequest(t.app, { ...params, client_id: appId, client_secret: secret })
        : await tokenRequest(t.app, params, { authorization: basic(appId, secret) });
    return response.statusCode;
  }

  const rotatePath = (appId: string) => `/apps/${appId}/secret/rotate`;

  async function rotateInConsole(appId: string): Promise<string> {
    const response = await alice.post(rotatePath(appId), {
      csrf: await sessionCsrf(alice, rotatePath(appId)),
      confirm: 'rotate',
    });
    expect(response.statusCode).toBe(303);
    return t.services.apps.revealSecret((await t.repos.apps.findById(appId))!)!;
  }

  it('asks for confirmation first: the app page links to a confirm step, and a post without it changes nothing', async () => {
    const appId = t.seed.expiringApp.id;
    const appPage = (await alice.get(`/apps/${appId}`)).body;
    expect(appPage).toContain(`<a class="button danger-outline small" href="${rotatePath(appId)}"`);
    expect(appPage).not.toContain(`action="${rotatePath(appId)}"`);
    const confirm = await alice.get(rotatePath(appId));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('name="confirm" value="rotate" required');
    expect(confirm.body).toContain('The current secret keeps working for 24 hours');
    const unconfirmed = await alice.post(rotatePath(appId), { csrf: await sessionCsrf(alice, rotatePath(appId)) });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain(
      '<p class="field-error" id="confirm-error">Tick the box to confirm the rotation.</p>',
    );
    expect(unconfirmed.body).toContain('aria-describedby="rotate-overlap confirm-error"');
    const app = (await t.repos.apps.findById(appId))!;
    expect(t.services.apps.revealSecret(app)).toBe(t.seed.expiringSecret);
    expect(app.previousSecret).toBeNull();
  });

  it('keeps the previous secret working at the token endpoint for the overlap, then refuses it; the new one works', async () => {
    const appId = t.seed.expiringApp.id;
    const old = t.seed.expiringSecret;
    const rotatedAt = t.clock.now();
    const fresh = await rotateInConsole(appId);
    expect(fresh).not.toBe(old);
    const page = (await alice.get(`/apps/${appId}`)).body;
    expect(page).toContain(fresh);
    expect(page).toContain('A new client secret is issued; the previous one keeps working for 24 hours.');
    expect(page).toContain('<dt>Previous secret</dt>');

    expect(await exchange(appId, old)).toBe(200);
    expect(await exchange(appId, old, 'basic')).toBe(200);
    expect(await exchange(appId, fresh)).toBe(200);
    t.clock.advance(DAY - 1000);
    expect(await exchange(appId, old)).toBe(200);
    t.clock.advance(1000);
    expect(await exchange(appId, old)).toBe(401);
    expect(await exchange(appId, old, 'basic')).toBe(401);
    expect(await exchange(appId, fresh)).toBe(200);
    expect((await alice.get(`/apps/${appId}`)).body).not.toContain('<dt>Previous secret</dt>');

    const [event] = await t.repos.audit.list({ type: 'client_secret_rotated' });
    expect(event).toMatchObject({ app_id: appId, actor_id: t.seed.alice.id });
    expect(JSON.parse(event!.detail)).toEqual({ previousValidUntil: new Date(rotatedAt + DAY).toISOString() });
  });

  it('drops the oldest secret at a second rotation, and signs Web SDK id tokens with the current one', async () => {
    const appId = t.seed.nonExpiringApp.id;
    const first = t.seed.nonExpiringSecret;
    const second = await rotateInConsole(appId);
    const third = await rotateInConsole(appId);
    expect(await exchange(appId, first)).toBe(401);
    expect(await exchange(appId, second)).toBe(200);
    expect(await exchange(appId, third)).toBe(200);
    // The id token's signing key is the secret revealSecret gives (sdk/methods.ts): the newest.
    expect(t.services.apps.revealSecret((await t.repos.apps.findById(appId))!)).toBe(third);
  });

  it('lets one of two parallel rotations win; the other is refused and no secret is lost', async () => {
    const appId = t.seed.expiringApp.id;
    const before = t.services.apps.revealSecret((await t.repos.apps.findById(appId))!)!;
    const results = await Promise.allSettled([
      t.services.apps.rotateSecret(appId, null),
      t.services.apps.rotateSecret(appId, null),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    // On SQLite the two run one after the other and both succeed; where they overlap, one loses.
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const r of lost) expect(String(r.reason)).toContain('rotated by someone else');
    const current = (won.at(-1) as PromiseFulfilledResult<string>).value;
    expect(await exchange(appId, current)).toBe(200);
    if (won.length === 1) expect(await exchange(appId, before)).toBe(200);
  });

  it('refuses the previous secret at once when CLIENT_SECRET_OVERLAP_SECONDS is 0', async () => {
    const strict = await startTestApp(dialect, { CLIENT_SECRET_OVERLAP_SECONDS: '0' });
    try {
      const app = strict.seed.expiringApp;
      const fresh = await strict.services.apps.rotateSecret(app.id, null);
      const rotated = (await strict.repos.apps.findById(app.id))!;
      expect(rotated.previousSecret).toBeNull();
      const code = await issueCode(strict, { app: rotated });
      const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: app.id };
      const old = await tokenRequest(strict.app, { ...params, client_secret: strict.seed.expiringSecret });
      expect(old.statusCode).toBe(401);
      expect(old.json()).toMatchObject({ error: 'invalid_client' });
      expect((await tokenRequest(strict.app, { ...params, client_secret: fresh })).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('re-encrypts the previous secret too when the server key is rotated', async () => {
    const { app, clientSecret: original } = await t.services.apps.create({
      name: 'Resealed',
      teamId: t.seed.teamId,
      createdBy: t.seed.alice.id,
      redirectUris: [REDIRECT_URI],
      scopes: ['boards:read'],
      expiring: true,
    });
    const current = await t.services.apps.rotateSecret(app.id, null);
    const before = (await t.repos.apps.findById(app.id))!;
    const newKey = `${'1'.repeat(63)}2`;
    const services = (keys: Record<string, string>) =>
      createServices({ config: testConfig(keys), repos: t.repos, clock: t.clock });
    const onlyNew = services({ GRANTBOARD_SECRET_KEY: newKey });
    expect(onlyNew.apps.secretMatches(before, original!)).toBe(false);
    const withBoth = services({ GRANTBOARD_SECRET_KEY: newKey, GRANTBOARD_PREVIOUS_SECRET_KEYS: TEST_SECRET_KEY });
    expect(await withBoth.apps.resealSecrets()).toMatchObject({ unreadable: [] });
    const resealed = (await t.repos.apps.findById(app.id))!;
    expect(resealed.previousSecret!.expiresAt).toBe(before.previousSecret!.expiresAt);
    expect(onlyNew.apps.secretMatches(resealed, original!)).toBe(true);
    expect(onlyNew.apps.secretMatches(resealed, current)).toBe(true);
  });
});
