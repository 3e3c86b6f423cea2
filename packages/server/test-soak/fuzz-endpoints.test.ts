import { PATHS } from '@grantboard/protocol';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/web/routes.js';
import { startTestApp, type TestApp } from '../test/helpers/app.js';
import { BrowserSession, csrfOf } from '../test/helpers/browser-session.js';
import { DIALECTS } from '../test/helpers/dialects.js';
import { obtainTokens } from '../test/helpers/oauth.js';
import { stateDigest } from '../test/helpers/state.js';

// Every endpoint under random, malformed and hostile requests: FUZZ_RUNS requests in all (100,000 by
// default). No request may get a 5xx, and a refused request may not change stored state. Run with
// `npm run test:faults`.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);

interface Endpoint {
  method: string;
  path: string;
}

describe.each(DIALECTS)('every endpoint under fuzzing on %s', (dialect) => {
  let t: TestApp;
  let endpoints: Endpoint[];
  let accessToken: string;
  let readOnlyToken: string;
  let session: BrowserSession;
  let csrf: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      RATE_LIMIT_CREDITS_PER_MINUTE: '1000000000',
      TOKEN_REQUESTS_PER_MINUTE: '0',
      SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000000000',
    });
    accessToken = (await obtainTokens(t)).access_token;
    readOnlyToken = (await obtainTokens(t, { scopes: ['boards:read'] })).access_token;
    const board = await t.app.inject({
      method: 'POST',
      url: '/v2/boards',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { name: 'Fuzz' },
    });
    const boardId = board.json().id as string;
    const note = await t.app.inject({
      method: 'POST',
      url: `/v2/boards/${encodeURIComponent(boardId)}/sticky_notes`,
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { data: { content: 'x' } },
    });
    const post = (path: string, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/v2/boards/${encodeURIComponent(boardId)}/${path}`,
        headers: { authorization: `Bearer ${accessToken}` },
        payload: payload as object,
      });
    const other = (await post('cards', {})).json().id as string;
    const connector = (await post('connectors', { startItem: { id: note.json().id }, endItem: { id: other } })).json();
    const group = (await post('groups', { data: { items: [note.json().id, other] } })).json();
    ids = {
      board_id: boardId,
      item_id: note.json().id,
      connector_id: connector.id,
      group_id: group.id,
      board_member_id: t.seed.alice.id,
      appId: t.seed.expiringApp.id,
      teamId: t.seed.teamId,
    };
    const openapi = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    endpoints = [
      ...Object.entries(openapi.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
      ),
      ...Object.values(PATHS).flatMap((path) => ['GET', 'POST'].map((method) => ({ method, path }))),
      ...Object.values(ROUTES).flatMap((path) =>
        ['GET', 'POST'].map((method) => ({ method, path: path.replace(/:(\w+)/g, '{$1}') })),
      ),
    ];
    session = new BrowserSession(t.app);
    await session.signIn(t.seed.bob.email, 'correct horse battery');
    csrf = csrfOf((await session.get('/apps/new')).body);
  });
  afterAll(() => t?.close());

  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom(
      '',
      '%00',
      '%E0%A4%A',
      '..%2F..%2F',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      'null',
      '-1',
      '1e309',
      'uXjV',
      '\u0000',
      '\ud800',
    ),
    fc.nat().map(String),
    fc.string({ maxLength: 4 }).map((s) => s.repeat(3000)),
  );
  const json = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record(
      {
        data: fc.record({ content: junk, shape: junk }, { requiredKeys: [] }),
        style: fc.dictionary(junk, junk),
        position: fc.record({ x: fc.oneof(fc.double(), junk), y: fc.double() }, { requiredKeys: [] }),
        geometry: fc.dictionary(fc.constantFrom('width', 'height', 'rotation'), fc.oneof(fc.double(), junk)),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        name: junk,
        description: junk,
        emails: fc.array(junk),
        role: junk,
        accessToken: junk,
        clientId: junk,
        clientSecret: junk,
      },
      { requiredKeys: [] },
    ),
  );

  /** Percent-encodes; a lone surrogate (which encodeURIComponent refuses) goes out as its raw bytes. */
  const encode = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return '%ED%A0%80';
    }
  };

  function fill(path: string, useReal: boolean, value: string): string {
    return path.replace(/\{(\w+)\}/g, (_, name: string) => encode(useReal && ids[name] ? ids[name] : value));
  }

  /** A query string from arbitrary pairs, tolerating lone surrogates. */
  const queryOf = (pairs: Record<string, string>) =>
    Object.entries(pairs)
      .map(([k, v]) => `${encode(k)}=${encode(v)}`)
      .join('&');

  it(`refuses ${RUNS} hostile requests without a 5xx, and refused requests write nothing`, {
    timeout: 1_800_000,
  }, async () => {
    let sent = 0;
    let statuses = new Map<number, number>();
    const unauthenticated = fc.record({
      endpoint: fc.integer({ min: 0, max: 10_000 }),
      realIds: fc.boolean(),
      pathValue: junk,
      query: fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'limit',
            'offset',
            'cursor',
            'type',
            'team_id',
            'query',
            'sort',
            'copy_from',
            'access_token',
            'client_id',
            'redirect_uri',
            'response_type',
            'state',
            'code_challenge',
          ),
          junk,
        ),
        junk,
        { maxKeys: 5 },
      ),
      body: fc.oneof(
        json.map((j) => ({ type: 'application/json', payload: JSON.stringify(j) })),
        junk.map((s) => ({ type: 'application/x-www-form-urlencoded', payload: s })),
        junk.map((s) => ({ type: 'text/plain', payload: s })),
        fc.constant(undefined),
      ),
      authorization: fc.oneof(
        fc.constant(undefined),
        junk.map((j) => `Bearer ${j}`),
        fc.constantFrom('Bearer gba_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Basic Og==', 'Bearer'),
      ),
      cookie: fc.oneof(
        fc.constant(undefined),
        junk.map((j) => `gb_session=${j}`),
      ),
    });
    const record = (response: LightMyRequestResponse) => {
      sent++;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `${response.statusCode}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
    };

    // Without credentials nothing may be written (failed sign-ins are counted on purpose: excluded).
    const before = await stateDigest(t.db.database, ['sign_in_failures']);
    await fc.assert(
      fc.asyncProperty(unauthenticated, async (r) => {
        const endpoint = endpoints[r.endpoint % endpoints.length]!;
        const query = queryOf(r.query);
        const headers: Record<string, string> = {};
        if (r.body) headers['content-type'] = r.body.type;
        if (r.authorization) headers.authorization = r.authorization;
        if (r.cookie) headers.cookie = r.cookie;
        const response = await t.app.inject({
          method: endpoint.method as 'GET',
          url: `${fill(endpoint.path, r.realIds, r.pathValue)}${query ? `?${query}` : ''}`,
          headers,
          ...(r.body && endpoint.method !== 'GET' ? { payload: r.body.payload } : {}),
        });
        record(response);
        expect(
          response.statusCode === 200 &&
            endpoint.method === 'POST' &&
            !endpoint.path.startsWith('/oauth/introspect') &&
            !endpoint.path.startsWith('/oauth/revoke'),
        ).toBe(false);
      }),
      { numRuns: Math.floor(RUNS * 0.7) },
    );
    expect(await stateDigest(t.db.database, ['sign_in_failures'])).toBe(before);

    // With real credentials (a token with every scope, a read-only token, a signed-in session with
    // its CSRF token): malformed input is refused without a partial write.
    const authenticated = fc.record({
      endpoint: fc.integer({ min: 0, max: 10_000 }),
      realIds: fc.boolean(),
      pathValue: junk,
      query: fc.dictionary(
        fc.constantFrom('limit', 'offset', 'cursor', 'type', 'team_id', 'query', 'sort', 'copy_from'),
        junk,
        { maxKeys: 3 },
      ),
      body: fc.oneof(json, junk),
      credential: fc.constantFrom('token', 'read-only', 'session'),
    });
    statuses = new Map();
    await fc.assert(
      fc.asyncProperty(authenticated, async (r) => {
        const endpoint = endpoints[r.endpoint % endpoints.length]!;
        const headers: Record<string, string> = {};
        let payload: string | undefined;
        if (r.credential === 'session') {
          headers.cookie = session.cookieHeader();
          headers['content-type'] = 'application/x-www-form-urlencoded';
          payload = new URLSearchParams({
            csrf,
            ...(typeof r.body === 'object' && r.body !== null && !Array.isArray(r.body)
              ? Object.fromEntries(
                  Object.entries(r.body).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
                )
              : { name: JSON.stringify(r.body) ?? '' }),
          }).toString();
        } else {
          headers.authorization = `Bearer ${r.credential === 'token' ? accessToken : readOnlyToken}`;
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(r.body);
        }
        const url = `${fill(endpoint.path, r.realIds, r.pathValue)}?${queryOf(r.query)}`;
        const mutating = endpoint.method !== 'GET';
        const digest = mutating
          ? await stateDigest(t.db.database, ['sign_in_failures', 'audit_events', 'sessions'])
          : '';
        const response = await t.app.inject({
          method: endpoint.method as 'GET',
          url,
          headers,
          ...(mutating ? { payload } : {}),
        });
        record(response);
        if (mutating && response.statusCode >= 400) {
          expect(await stateDigest(t.db.database, ['sign_in_failures', 'audit_events', 'sessions'])).toBe(digest);
        }
      }),
      { numRuns: Math.ceil(RUNS * 0.3) },
    );
    console.log(`fuzzed ${sent} requests across ${endpoints.length} endpoints`);
  });
});
