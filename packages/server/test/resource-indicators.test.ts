import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT_URI, startTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { bearer, issueCode, tokenRequest } from './helpers/oauth.js';
import { signIn } from './helpers/web.js';

describe.each(DIALECTS)('RFC 8707 resource indicators on %s', (dialect) => {
  let t: TestApp;
  let rest: string;
  let mcp: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    rest = t.config.publicUrl;
    mcp = `${t.config.publicUrl}/mcp`;
  });
  afterAll(() => t?.close());

  const exchange = (code: string, extra: Record<string, string> = {}) =>
    tokenRequest(t.app, {
      grant_type: 'authorization_code',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      code,
      redirect_uri: REDIRECT_URI,
      ...extra,
    });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    tokenRequest(t.app, {
      grant_type: 'refresh_token',
      client_id: t.seed.expiringApp.id,
      client_secret: t.seed.expiringSecret,
      refresh_token: refreshToken,
      ...extra,
    });
  const mcpList = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
  const restBoards = (token: string) => bearer(t.app, token, '/v2/boards');

  it('keeps a token without resource for the REST API alone, as every Miro app has it', async () => {
    const tokens = (await exchange(await issueCode(t))).json();
    expect((await restBoards(tokens.access_token)).statusCode).toBe(200);
    expect((await mcpList(tokens.access_token)).statusCode).toBe(401);
  });

  it('issues a token for both servers when both were asked for, and narrows it at the token endpoint or on refresh', async () => {
    const both = (await exchange(await issueCode(t, { resources: [rest, mcp] }))).json();
    expect((await restBoards(both.access_token)).statusCode).toBe(200);
    expect((await mcpList(both.access_token)).statusCode).toBe(200);

    const narrowed = (await exchange(await issueCode(t, { resources: [rest, mcp] }), { resource: mcp })).json();
    expect((await restBoards(narrowed.access_token)).statusCode).toBe(401);
    expect((await mcpList(narrowed.access_token)).statusCode).toBe(200);

    // Refresh keeps the audience…
    const kept = (await refresh(both.refresh_token)).json();
    expect((await restBoards(kept.access_token)).statusCode).toBe(200);
    expect((await mcpList(kept.access_token)).statusCode).toBe(200);
    // …may narrow it, and never widens it again.
    const onlyMcp = (await refresh(kept.refresh_token, { resource: mcp })).json();
    expect((await restBoards(onlyMcp.access_token)).statusCode).toBe(401);
    expect((await mcpList(onlyMcp.access_token)).statusCode).toBe(200);
    const widened = await refresh(onlyMcp.refresh_token, { resource: rest });
    expect(widened.statusCode).toBe(400);
    expect(widened.json().error).toBe('invalid_target');
    // The refused rotation changed nothing: the refresh token still works for its audience.
    expect((await refresh(onlyMcp.refresh_token)).statusCode).toBe(200);
  });

  it('refuses a resource the code was not issued for, an unknown one, a relative one or one with a fragment', async () => {
    const code = await issueCode(t, { resources: [mcp] });
    const outside = await exchange(code, { resource: rest });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ error: 'invalid_target', code: 'invalid_target' });
    for (const resource of ['https://evil.example/api', '/mcp', `${mcp}#x`, 'not a uri']) {
      const response = await exchange(await issueCode(t), { resource });
      expect(response.statusCode, resource).toBe(400);
      expect(response.json().error, resource).toBe('invalid_target');
    }
  });

  it('answers an unknown resource at the authorization endpoint with an invalid_target redirect', async () => {
    const browser = await signIn(t.app, t.seed.alice.email);
    const response = await browser.get(
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        state: 's',
        resource: 'https://evil.example/',
      })}`,
    );
    expect(response.statusCode).toBe(303);
    const location = new URL(response.headers.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('s');
    const page = await browser.get(
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: t.seed.expiringApp.id,
        redirect_uri: REDIRECT_URI,
        resource: mcp,
      })}`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<input type="hidden" name="resource" value="${mcp}">`);
  });

  it('lists only the tools the scopes allow and refuses another with 403 insufficient_scope naming the scope', async () => {
    const readOnly = (await exchange(await issueCode(t, { resources: [mcp], scopes: ['boards:read'] }))).json();
    const listed = await mcpList(readOnly.access_token);
    const names = listed
      .json()
      .result.tools.map((tool: { name: string }) => tool.name)
      .sort();
    expect(names).toEqual(['get_board_items', 'list_boards', 'search_boards']);
    const call = await t.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        authorization: `Bearer ${readOnly.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      payload: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'create_sticky_note', arguments: { boardId: 'x', content: 'no' } },
      }),
    });
    expect(call.statusCode).toBe(403);
    expect(call.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${t.config.publicUrl}/.well-known/oauth-protected-resource/mcp", scope="boards:read boards:write", error="insufficient_scope", error_description="The tool create_sticky_note needs the boards:write scope."`,
    );
  });
});

describe.each(DIALECTS)('/mcp rate limits on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // Two level-2 tool calls (100 credits each) fit; the third does not.
    t = await startTestApp(dialect, { RATE_LIMIT_CREDITS_PER_MINUTE: '250' });
  });
  afterAll(() => t?.close());

  it('spends the REST API budget per user per app and answers 429 with Retry-After when it is gone', async () => {
    const code = await issueCode(t, { resources: [`${t.config.publicUrl}/mcp`] });
    const token = (
      await tokenRequest(t.app, {
        grant_type: 'authorization_code',
        client_id: t.seed.expiringApp.id,
        client_secret: t.seed.expiringSecret,
        code,
        redirect_uri: REDIRECT_URI,
      })
    ).json().access_token;
    const call = () =>
      t.app.inject({
        method: 'POST',
        url: '/mcp',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        payload: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'move_item', arguments: { boardId: 'none', itemId: '1', x: 0, y: 0 } },
        }),
      });
    const first = await call();
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('250');
    expect(first.headers['x-ratelimit-remaining']).toBe('150');
    expect((await call()).statusCode).toBe(200);
    const refused = await call();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
