import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { basic, obtainTokens } from './helpers/oauth.js';
import { stateDigest } from './helpers/state.js';

const NAMES = [
  'grant_type',
  'code',
  'refresh_token',
  'client_id',
  'client_secret',
  'redirect_uri',
  'code_verifier',
  'scope',
  'token',
];

interface FuzzRequest {
  query: [string, string][];
  body: [string, string][];
  contentType: string | undefined;
  authorization: string | undefined;
  rawBody: string | undefined;
}

describe.each(DIALECTS)('token endpoint under malformed input on %s', (dialect) => {
  let t: TestApp;
  let liveRefresh: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    liveRefresh = (await obtainTokens(t)).refresh_token!;
  });
  afterAll(() => t?.close());

  const encode = (pairs: [string, string][]) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

  async function send(request: FuzzRequest) {
    const headers: Record<string, string> = {};
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    const query = encode(request.query);
    const payload = request.rawBody ?? (request.body.length ? encode(request.body) : undefined);
    return t.app.inject({
      method: 'POST',
      url: `/v1/oauth/token${query ? `?${query}` : ''}`,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
  }

  function expectRefusal(response: Awaited<ReturnType<typeof send>>) {
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    const body = response.json();
    expect(body.type).toBe('error');
    expect(body.error).toBe(body.code);
    expect(body.message).toBe(body.error_description);
    expect(response.headers['cache-control']).toBe('no-store');
  }

  const garbage = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('', ' ', '\u0000', '%00', '../../etc/passwd', "' OR 1=1 --", '<script>', 'gba_', 'gbr_', 'gbc_'),
    fc.nat().map(String),
    fc.string({ maxLength: 8 }).map((s) => s.repeat(2000)),
    fc.stringMatching(/^gb[acr]_[A-Za-z0-9_-]{49}$/),
    fc.stringMatching(/^gb[acr]_[A-Za-z0-9_-]{57}$/),
  );

  it('answers thousands of malformed requests with a 4xx error body and writes nothing', async () => {
    const before = await stateDigest(t.db.database);
    const value = fc.oneof(
      garbage,
      fc.constantFrom(t.seed.expiringApp.id, t.seed.publicApp.id, 'authorization_code', 'refresh_token', REDIRECT_URI),
    );
    const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })), value), {
      maxLength: 8,
    });
    const request = fc.record<FuzzRequest>({
      query: pairs,
      body: pairs,
      contentType: fc.constantFrom(
        undefined,
        'application/x-www-form-urlencoded',
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded; charset=utf-16',
      ),
      authorization: fc.oneof(
        fc.constant(undefined),
        garbage.map((g) => `Basic ${Buffer.from(g).toString('base64')}`),
        fc.constantFrom('Basic', 'Basic !!!', 'Bearer x', basic(t.seed.expiringApp.id, 'wrong'), basic('', '')),
        garbage,
      ),
      rawBody: fc.oneof(
        fc.constant(undefined),
        garbage,
        fc.constantFrom('{"grant_type":"refresh_token"}', '[]', 'null', '{', '%%%'),
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        expectRefusal(await send(r));
      }),
      { numRuns: 2500 },
    );
    expect(await stateDigest(t.db.database)).toBe(before);
  });

  it('refuses a live refresh token sent with a structural defect, and writes nothing', async () => {
    const before = await stateDigest(t.db.database);
    const good: [string, string][] = [
      ['grant_type', 'refresh_token'],
      ['refresh_token', liveRefresh],
      ['client_id', t.seed.expiringApp.id],
      ['client_secret', t.seed.expiringSecret],
    ];
    const defect = fc.constantFrom<(pairs: [string, string][]) => FuzzRequest>(
      (p) => ({
        query: [],
        body: [...p, p[0]!],
        contentType: 'application/x-www-form-urlencoded',
        authorization: undefined,
        rawBody: undefined,
      }),
      (p) => ({
        query: [p[1]!],
        body: p,
        contentType: 'application/x-www-form-urlencoded',
        authorization: undefined,
        rawBody: undefined,
      }),
      (p) => ({
        query: [],
        body: p.slice(0, 3).concat([['client_secret', 'wrong']]),
        contentType: 'application/x-www-form-urlencoded',
        authorization: undefined,
        rawBody: undefined,
      }),
      (p) => ({
        query: [],
        body: p,
        contentType: 'application/x-www-form-urlencoded',
        authorization: basic(t.seed.expiringApp.id, t.seed.expiringSecret),
        rawBody: undefined,
      }),
      (p) => ({ query: [], body: p, contentType: 'text/plain', authorization: undefined, rawBody: undefined }),
      (p) => ({
        query: [],
        body: p,
        contentType: 'application/json',
        authorization: undefined,
        rawBody: JSON.stringify(Object.fromEntries(p)),
      }),
      (p) => ({
        query: [],
        body: p.filter(([k]) => k !== 'client_id'),
        contentType: 'application/x-www-form-urlencoded',
        authorization: undefined,
        rawBody: undefined,
      }),
      (p) => ({
        query: [],
        body: [...p, ['padding', 'x'.repeat(70_000)]],
        contentType: 'application/x-www-form-urlencoded',
        authorization: undefined,
        rawBody: undefined,
      }),
    );
    await fc.assert(
      fc.asyncProperty(defect, fc.shuffledSubarray(good, { minLength: 4, maxLength: 4 }), async (make, pairs) => {
        expectRefusal(await send(make(pairs)));
      }),
      { numRuns: 300 },
    );
    expect(await stateDigest(t.db.database)).toBe(before);
  });
});
