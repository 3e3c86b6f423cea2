import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/domain/webhook-service.js';
import { webhookUrlProblem } from '../src/domain/webhook-url.js';
import { type WebhookWorker, webhookWorker } from '../src/webhooks/worker.js';
import { PASSWORD, REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, obtainTokens, tokenRequest } from './helpers/oauth.js';
import { type Browser, csrfOf, signIn } from './helpers/web.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

const SECRET_SHAPES = /gb[acrsx]_|whsec_/;

/** The secret on the page that answered "Add endpoint" — shown there once. */
function secretOn(page: string): string {
  const match = /<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(page);
  if (!match?.[1]) throw new Error('no secret on the page');
  return match[1];
}

describe.each(DIALECTS)('webhooks on %s', (dialect) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let admin: Browser;
  let secret: string;
  let worker: WebhookWorker;
  const logs: string[] = [];
  const orgPage = () => `/organizations/${t.seed.orgId}/webhooks`;

  beforeAll(async () => {
    t = await startTestApp(dialect, { WEBHOOK_MAX_ATTEMPTS: '4' });
    // Standard Webhooks receivers refuse a timestamp far from their own clock.
    t.clock.advance(Date.now() - t.clock.now());
    receiver = await startWebhookReceiver();
    const log = (object: object, message: string) => logs.push(`${message} ${JSON.stringify(object)}`);
    worker = webhookWorker({ services: t.services, config: t.config, clock: t.clock, log: { info: log, warn: log } });
    admin = await signIn(t.app, t.seed.alice.email);
    const form = await admin.get(orgPage());
    expect(form.statusCode).toBe(200);
    const added = await admin.post(orgPage(), { csrf: csrfOf(form.body), url: receiver.url });
    expect(added.statusCode).toBe(200);
    secret = secretOn(added.body);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });
  afterEach(() => {
    receiver.answers.length = 0;
  });

  async function deliverAll(): Promise<void> {
    while ((await worker.runOnce()) > 0);
  }

  it('shows the signing secret once, and never again', async () => {
    const page = await admin.get(orgPage());
    expect(page.body).toContain(receiver.url);
    expect(page.body).not.toContain(secret);
    expect(page.body).not.toContain(secret.slice('whsec_'.length));
  });

  it('delivers each event, signed as Standard Webhooks says, without a secret or token in any payload', async () => {
    const app = t.seed.expiringApp;
    const before = receiver.received.length;
    await t.services.installs.authorize(app, t.seed.teamId, t.seed.alice.id, app.scopes);
    // Authorizing an installed app again installs nothing: no second app.installed.
    await t.services.installs.authorize(app, t.seed.teamId, t.seed.alice.id, app.scopes);
    const first = await obtainTokens(t);
    const rotated = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: app.id,
      client_secret: t.seed.expiringSecret,
    });
    expect(rotated.statusCode).toBe(200);
    t.clock.advance(61_000);
    const reused = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: app.id,
      client_secret: t.seed.expiringSecret,
    });
    expect(reused.statusCode).toBe(400);
    const second = await obtainTokens(t);
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(app.id, t.seed.expiringSecret),
      },
      payload: new URLSearchParams({ token: second.access_token }).toString(),
    });
    expect(revoked.statusCode).toBe(200);
    const newSecret = await t.services.apps.rotateSecret(app.id, t.seed.alice.id);
    await t.services.installs.uninstall(app.id, t.seed.teamId, t.seed.alice.id);

    await deliverAll();
    const got = receiver.received.slice(before);
    const verifier = new Webhook(secret);
    const payloads = got.map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string });
    expect(payloads.map((p) => p.type).sort()).toEqual([
      'app.installed',
      'app.secret_rotated',
      'app.uninstalled',
      'authorization.granted',
      'authorization.granted',
      'authorization.revoked',
      'refresh_token.reuse_detected',
    ]);
    const installed = payloads.find((p) => p.type === 'app.installed') as unknown as {
      timestamp: string;
      data: { app: { id: string }; team: { id: string }; scopes: string[] };
    };
    expect(installed.data).toMatchObject({ app: { id: app.id }, team: { id: t.seed.teamId }, scopes: app.scopes });
    expect(Number.isNaN(Date.parse(installed.timestamp))).toBe(false);
    const everything = got.map((r) => r.body).join('\n') + logs.join('\n');
    expect(everything).not.toMatch(SECRET_SHAPES);
    for (const value of [first.access_token, first.refresh_token!, second.access_token, newSecret, secret]) {
      expect(everything).not.toContain(value);
    }
    expect(everything).not.toContain(secret.slice('whsec_'.length));
    // A signature made with another secret does not verify: the check is real.
    const forged = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(() => forged.verify(got[0]!.body, got[0]!.headers as Record<string, string>)).toThrow();
  });

  it('retries after 500s with backoff, under the same webhook-id, and logs every attempt', async () => {
    receiver.answers.push(500, 503);
    const before = receiver.received.length;
    await t.services.apps.rotateSecret(t.seed.nonExpiringApp.id, t.seed.alice.id);
    expect(await worker.runOnce()).toBe(1);
    // Not due yet: nothing is sent again until the backoff has passed.
    expect(await worker.runOnce()).toBe(0);
    t.clock.advance(retryDelayMs(1, t.config.webhookRetryBaseSeconds * 1000, () => 1));
    expect(await worker.runOnce()).toBe(1);
    t.clock.advance(retryDelayMs(2, t.config.webhookRetryBaseSeconds * 1000, () => 1));
    expect(await worker.runOnce()).toBe(1);
    const attempts = receiver.received.slice(before);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    const verifier = new Webhook(secret);
    for (const a of attempts) verifier.verify(a.body, a.headers as Record<string, string>);

    const log = await admin.get(orgPage());
    expect(log.body).toContain('HTTP 500');
    expect(log.body).toContain('HTTP 503');
    expect(log.body).toContain('Delivered');
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS and says so in the log', async () => {
    receiver.answers.push(500, 500, 500, 500);
    await t.services.apps.rotateSecret(t.seed.nonExpiringApp.id, t.seed.alice.id);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await worker.runOnce()).toBe(1);
      t.clock.advance(retryDelayMs(attempt, t.config.webhookRetryBaseSeconds * 1000, () => 1));
    }
    expect(await worker.runOnce()).toBe(0);
    expect((await admin.get(orgPage())).body).toContain('Failed');
  });

  it('never delivers one event twice when two workers claim at once', async () => {
    const before = receiver.received.length;
    for (let i = 0; i < 25; i++) {
      await t.services.tokens.issue(t.seed.nonExpiringApp, {
        userId: t.seed.alice.id,
        teamId: t.seed.teamId,
        scopes: ['boards:read'],
      });
    }
    const other = webhookWorker({
      services: t.services,
      config: t.config,
      clock: t.clock,
      log: { info() {}, warn() {} },
    });
    for (;;) {
      const counts = await Promise.all([worker.runOnce(), other.runOnce(), worker.runOnce(), other.runOnce()]);
      if (counts.every((c) => c === 0)) break;
    }
    const ids = receiver.received.slice(before).map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
  });

  it('refuses endpoint URLs that are not https (http only to loopback in development), with the form shown again', async () => {
    const form = await admin.get(orgPage());
    const refused = await admin.post(orgPage(), { csrf: csrfOf(form.body), url: 'http://example.com/hooks' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('must use https');
    expect(refused.body).not.toContain('webhook-secret');
  });

  it('lets only organization admins manage webhooks', async () => {
    const carol = await t.services.accounts.createUser({
      email: 'carol@example.com',
      password: PASSWORD,
      name: 'Carol',
    });
    await t.services.accounts.addMember(t.seed.teamId, carol.id, 'member');
    const member = await signIn(t.app, 'carol@example.com');
    const page = await member.get(orgPage());
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain(receiver.url);
    const posted = await member.post(orgPage(), {
      csrf: csrfOf((await member.get('/')).body),
      url: 'https://x.example/h',
    });
    expect(posted.statusCode).toBe(403);
    expect(await t.services.webhooks.endpoints(t.seed.orgId, t.seed.alice.id)).toHaveLength(1);
    // The link to the page is shown to team admins.
    expect((await admin.get(`/teams/${t.seed.teamId}/apps`)).body).toContain(orgPage());
    expect(REDIRECT_URI).toBeTruthy();
  });
});

describe('webhook URL rule (SSRF)', () => {
  it('refuses private, loopback and link-local addresses and http in production', () => {
    for (const url of [
      'http://example.com/h',
      'https://10.0.0.5/h',
      'https://127.0.0.1/h',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/h',
      'https://[fd00::1]/h',
      'https://[::ffff:10.0.0.1]/h',
      'https://localhost/h',
      'https://192.168.1.1/h',
      'https://user:pass@example.com/h',
      'ftp://example.com/h',
      'not a url',
    ]) {
      expect(webhookUrlProblem(url, true), url).toBeDefined();
    }
    expect(webhookUrlProblem('https://hooks.example.com/grantboard?x=1', true)).toBeUndefined();
    expect(webhookUrlProblem('https://93.184.216.34/h', true)).toBeUndefined();
  });

  it('allows http to loopback in development only', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/h', false)).toBeUndefined();
    expect(webhookUrlProblem('http://localhost:8080/h', false)).toBeUndefined();
    expect(webhookUrlProblem('http://10.1.2.3/h', false)).toBeDefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(1, 10_000, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, 10_000, () => 1)).toBe(10_000);
    expect(retryDelayMs(4, 10_000, () => 1)).toBe(80_000);
    expect(retryDelayMs(40, 10_000, () => 1)).toBe(6 * 3600 * 1000);
  });
});
