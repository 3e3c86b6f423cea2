import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_TOOLS } from '../src/mcp/tools.js';
import { apiAs } from './helpers/api.js';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { issueCode, tokenRequest } from './helpers/oauth.js';

describe.each(DIALECTS)('/mcp and /oauth/register under malformed input on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  let board: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { REGISTRATIONS_PER_HOUR: '0' });
    const code = await issueCode(t, { resources: [`${t.config.publicUrl}/mcp`] });
    const response = await tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code,
      redirect_uri: REDIRECT_URI,
    });
    token = response.json().access_token;
    board = (await (await apiAs(t)).call('POST', '/v2/boards', { name: 'Fuzzed' })).json().id;
  });
  afterAll(() => t?.close());

  const json = fc.jsonValue({ maxDepth: 3 });
  const anything = fc.oneof(
    json,
    fc.string({ maxLength: 30 }),
    fc.constantFrom(-1, 1e308, Number.MAX_SAFE_INTEGER, '', '\u0000', '<script>', '../../x'),
  );

  it('answers random JSON-RPC messages, tool calls and headers without a 5xx', async () => {
    const toolNames = [...BOARD_TOOLS.map((tool) => tool.name), 'nope', ''];
    const message = fc.oneof(
      fc.record({
        jsonrpc: fc.constantFrom('2.0', '1.0', 2),
        id: fc.oneof(fc.nat(), fc.string({ maxLength: 5 }), fc.constant(null)),
        method: fc.constantFrom('tools/call', 'tools/list', 'initialize', 'ping', 'resources/list', 'x'),
        params: fc.oneof(
          fc.record({
            name: fc.constantFrom(...toolNames),
            arguments: fc.dictionary(
              fc.constantFrom('boardId', 'itemId', 'content', 'x', 'y', 'query', 'cursor', 'type', 'shape', 'limit'),
              fc.oneof(anything, fc.constant(board)),
            ),
          }),
          anything,
        ),
      }),
      anything,
    );
    const request = fc.record({
      body: fc.oneof(
        message,
        fc.array(message, { maxLength: 3 }).map((m) => m as unknown),
      ),
      raw: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 50 }), fc.constantFrom('{', 'null', '[]')),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
      accept: fc.constantFrom('application/json, text/event-stream', 'application/json', '*/*', undefined),
      authorization: fc.oneof(
        fc.constant(`Bearer ${token}`),
        fc.constantFrom(undefined, 'Bearer', 'Bearer gba_x', 'Basic abc', `Bearer ${token}x`),
      ),
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'DELETE', 'PUT'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.accept) headers.accept = r.accept;
        if (r.authorization) headers.authorization = r.authorization;
        const response = await t.app.inject({
          method: r.method as 'POST',
          url: '/mcp',
          headers,
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: r.raw ?? JSON.stringify(r.body) }),
        });
        expect(response.statusCode, response.body).toBeLessThan(500);
      }),
      { numRuns: 600 },
    );
  });

  it('answers random registrations with 201 or an RFC 7591 error, never a 5xx', async () => {
    const metadata = fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          'redirect_uris',
          'client_name',
          'scope',
          'grant_types',
          'response_types',
          'token_endpoint_auth_method',
          'client_uri',
          'jwks',
        ),
        fc.oneof(
          anything,
          fc.array(fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1/cb', 'javascript:x', 'a:b')), {
            maxLength: 12,
          }),
        ),
      ),
      anything,
    );
    await fc.assert(
      fc.asyncProperty(metadata, fc.constantFrom('application/json', 'text/plain', undefined), async (body, type) => {
        const response = await t.app.inject({
          method: 'POST',
          url: '/oauth/register',
          headers: type ? { 'content-type': type } : {},
          payload: JSON.stringify(body),
        });
        expect(response.statusCode, response.body).toBeLessThan(500);
        if (response.statusCode !== 201) {
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(typeof response.json().error).toBe('string');
        }
      }),
      { numRuns: 600 },
    );
  });
});
