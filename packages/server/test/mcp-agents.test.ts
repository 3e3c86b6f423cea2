import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, enc } from './helpers/api.js';
import { PASSWORD, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { consentOverHttp } from './helpers/http-consent.js';
import { startListeningApp } from './helpers/listening-app.js';
import { AGENT_REDIRECT, connectAgent, MemoryAgentProvider, startAuthorization } from './helpers/mcp-agent.js';

type Listening = TestApp & { url: string };

/** Drives an agent from nothing to an authorized MCP session: 401, discovery, registration, consent, token. */
async function authorizeAgent(t: Listening, provider: MemoryAgentProvider, email = 'alice@example.com') {
  const mcpUrl = `${t.url}/mcp`;
  const { transport, error } = await startAuthorization(mcpUrl, provider);
  expect(error).toBeInstanceOf(UnauthorizedError);
  const authorizationUrl = provider.authorizationUrl!;
  const location = new URL(await consentOverHttp(authorizationUrl.href, email, PASSWORD));
  expect(location.origin + location.pathname).toBe(AGENT_REDIRECT);
  await transport.finishAuth(location.searchParams.get('code')!);
  return connectAgent(mcpUrl, provider);
}

describe.each(DIALECTS)('an MCP agent with dynamic registration on %s', (dialect) => {
  let t: Listening;
  beforeAll(async () => {
    t = await startListeningApp(dialect);
  });
  afterAll(() => t?.close());

  it('answers an unauthenticated /mcp with a challenge naming its resource metadata', async () => {
    const response = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${t.url}/.well-known/oauth-protected-resource/mcp", scope="boards:read boards:write"`,
    );
    const metadata = await (await fetch(`${t.url}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(metadata).toMatchObject({
      resource: `${t.url}/mcp`,
      authorization_servers: [t.url],
      scopes_supported: ['boards:read', 'boards:write'],
      bearer_methods_supported: ['header'],
    });
    const rest = await (await fetch(`${t.url}/.well-known/oauth-protected-resource`)).json();
    expect(rest.resource).toBe(t.url);
    const server = await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json();
    expect(server).toMatchObject({
      registration_endpoint: `${t.url}/oauth/register`,
      client_id_metadata_document_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('registers, authorizes through the consent page, lists tools, creates a sticky note seen through the REST API, and refreshes on its own', async () => {
    const provider = new MemoryAgentProvider();
    const { client } = await authorizeAgent(t, provider);
    expect(provider.information?.client_id).toMatch(/^\d+$/);
    const rest = await apiAs(t);
    const boardResponse = await rest.call('POST', '/v2/boards', { name: 'Agent board' });
    const board = boardResponse.json().id as string;

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'create_shape',
        'create_sticky_note',
        'create_text',
        'delete_item',
        'get_board_items',
        'list_boards',
        'move_item',
        'search_boards',
        'update_item',
      ].sort(),
    );
    const listed = await client.callTool({ name: 'list_boards', arguments: {} });
    expect(JSON.stringify(listed.content)).toContain(board);

    const created = await client.callTool({
      name: 'create_sticky_note',
      arguments: { boardId: board, content: 'Written by an agent', x: 10, y: 20 },
    });
    expect(created.isError).toBeUndefined();
    const items = (await rest.call('GET', `/v2/boards/${enc(board)}/items`)).json();
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: 'sticky_note', data: { content: 'Written by an agent' } });
    const text = await client.callTool({ name: 'get_board_items', arguments: { boardId: board } });
    expect(JSON.stringify(text.content)).toContain('Written by an agent');

    // The access token expires; the SDK refreshes it with the refresh token and retries, unprompted.
    const firstAccess = provider.savedTokens!.access_token;
    t.clock.advance((t.config.accessTokenTtlSeconds + 1) * 1000);
    const after = await client.callTool({ name: 'list_boards', arguments: {} });
    expect(JSON.stringify(after.content)).toContain(board);
    expect(provider.savedTokens!.access_token).not.toBe(firstAccess);
    await client.close();
  });

  it('binds tokens to their audience: an MCP token is refused by the REST API, a REST token by /mcp', async () => {
    const provider = new MemoryAgentProvider();
    const { client } = await authorizeAgent(t, provider);
    await client.close();
    const mcpToken = provider.savedTokens!.access_token;
    const restCall = await fetch(`${t.url}/v2/boards`, { headers: { authorization: `Bearer ${mcpToken}` } });
    expect(restCall.status).toBe(401);
    const restToken = (await apiAs(t)).token;
    const mcpCall = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${restToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcpCall.status).toBe(401);
    expect(mcpCall.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('stops the agent at once when the user revokes it, and when an admin uninstalls it', async () => {
    for (const how of ['revoke', 'uninstall'] as const) {
      const provider = new MemoryAgentProvider();
      const { client } = await authorizeAgent(t, provider);
      await client.listTools();
      const appId = provider.information!.client_id;
      if (how === 'revoke') {
        expect(await t.services.tokens.revokeGrant({ userId: t.seed.alice.id, appId, teamId: t.seed.teamId })).toBe(1);
      } else {
        await t.services.installs.uninstall(appId, t.seed.teamId, t.seed.alice.id);
      }
      const token = provider.savedTokens!.access_token;
      const response = await fetch(`${t.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status, how).toBe(401);
      await client.close();
    }
  });
});
