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

  it('exports request durations as a Prometheus histogram: cumulative buckets, +Inf equal to the count', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ url: '/healthz' });
    const response = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-secret' } });
    expect(response.body).toContain('# TYPE grantboard_http_request_duration_seconds histogram');
    const series = 'method="GET",route="/healthz",status="2xx"';
    const value = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));
    const lines = response.body.split('\n');
    const buckets = lines.filter((line) =>
      line.startsWith(`grantboard_http_request_duration_seconds_bucket{${series},le=`),
    );
    const count = lines.find((line) => line.startsWith(`grantboard_http_request_duration_seconds_count{${series}}`));
    const sum = lines.find((line) => line.startsWith(`grantboard_http_request_duration_seconds_sum{${series}}`));
    expect(buckets.map((line) => line.match(/le="([^"]+)"/)?.[1])).toEqual([
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '1',
      '+Inf',
    ]);
    const counts = buckets.map(value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(value(count!)).toBeGreaterThanOrEqual(3);
    expect(counts.at(-1)).toBe(value(count!));
    expect(value(sum!)).toBeGreaterThan(0);
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
