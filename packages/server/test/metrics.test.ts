import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { obtainTokens, tokenRequest } from './helpers/oauth.js';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { METRICS_TOKEN: 'metrics-secret' });
  });
  afterAll(() => t?.close());

  it('counts token requests by grant type and outcome, with route templates and no ids', async () => {
    const tokens = await obtainTokens(t);
    await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: 'wrong',
    });
    await tokenRequest(t.app, {
      grant_type: 'x'.repeat(40),
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
    });
    const response = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-secret' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('grantboard_token_requests_total{grant_type="authorization_code",outcome="ok"} 1');
    expect(response.body).toContain(
      'grantboard_token_requests_total{grant_type="authorization_code",outcome="invalid_client"} 1',
    );
    expect(response.body).toContain(
      'grantboard_token_requests_total{grant_type="other",outcome="unsupported_grant_type"} 1',
    );
    expect(response.body).toMatch(
      /grantboard_http_request_duration_seconds_count\{method="POST",route="\/v1\/oauth\/token",status="2xx"\} 1/,
    );
    expect(response.body).not.toContain(tokens.access_token);
    expect(response.body).not.toContain(t.seed.expiringApp.id);
  });

  it('wants the metrics token when one is configured', async () => {
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-secreT' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain('grantboard_');
  });
});
