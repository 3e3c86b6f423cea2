import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentFetcher } from '../src/lib/document-fetch.js';
import { isForbiddenAddress } from '../src/lib/forbidden-addresses.js';
import { apiAs, enc } from './helpers/api.js';
import { PASSWORD, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { consentOverHttp } from './helpers/http-consent.js';
import { documentServer, loopbackCertificate } from './helpers/https-documents.js';
import { startListeningApp } from './helpers/listening-app.js';
import { AGENT_REDIRECT, connectAgent, MemoryAgentProvider, startAuthorization } from './helpers/mcp-agent.js';

const certificate = loopbackCertificate();

function agentDocument(url: string, overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    client_id: url,
    client_name: 'Metadata agent',
    redirect_uris: [AGENT_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...overrides,
  });
}

describe.each(DIALECTS)('an MCP agent known by its client ID metadata document on %s', (dialect) => {
  let t: TestApp & { url: string };
  let documents: Awaited<ReturnType<typeof documentServer>>;
  beforeAll(async () => {
    documents = await documentServer(certificate);
    t = await startListeningApp(
      dialect,
      { CLIENT_METADATA_ALLOW_PRIVATE: 'on' },
      {
        documentFetcher: documentFetcher({
          allowPrivate: true,
          maxBytes: 5 * 1024,
          timeoutMs: 5000,
          ca: certificate.cert,
        }),
      },
    );
  });
  afterAll(async () => {
    await t?.close();
    await documents?.close();
  });

  /** The authorization page's answer for a client id, signed in or not. */
  const authorizePage = (clientId: string) =>
    fetch(
      `${t.url}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: AGENT_REDIRECT,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );

  it('authorizes with the document URL as client_id, no registration, and creates a sticky note', async () => {
    const url = `${documents.origin}/agents/claude.json`;
    documents.documents.set('/agents/claude.json', {
      body: agentDocument(url),
      headers: { 'cache-control': 'max-age=600' },
    });
    const provider = new MemoryAgentProvider({ clientMetadataUrl: url });
    const mcpUrl = `${t.url}/mcp`;
    const { transport, error } = await startAuthorization(mcpUrl, provider);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl!.searchParams.get('client_id')).toBe(url);
    expect(provider.authorizationUrl!.searchParams.get('resource')).toBe(mcpUrl);
    const location = new URL(await consentOverHttp(provider.authorizationUrl!.href, 'alice@example.com', PASSWORD));
    await transport.finishAuth(location.searchParams.get('code')!);
    const { client } = await connectAgent(mcpUrl, provider);

    const rest = await apiAs(t);
    const board = (await rest.call('POST', '/v2/boards', { name: 'Metadata board' })).json().id as string;
    const created = await client.callTool({
      name: 'create_sticky_note',
      arguments: { boardId: board, content: 'From a metadata agent' },
    });
    expect(created.isError).toBeUndefined();
    const items = (await rest.call('GET', `/v2/boards/${enc(board)}/items`)).json();
    expect(items.data[0].data.content).toBe('From a metadata agent');
    // Fetched once: the consent page and its form were served from the cache (max-age=600).
    expect(documents.fetches.get('/agents/claude.json')).toBe(1);
    await client.close();
  });

  it('shows the consent page with the agent marked as not verified, its redirect host and its tools', async () => {
    const url = `${documents.origin}/agents/notice.json`;
    documents.documents.set('/agents/notice.json', { body: agentDocument(url, { scope: 'boards:read' }) });
    const response = await fetch(`${t.url}/signin`); // only to have the origin reachable
    expect(response.status).toBe(200);
    const page = await signedInPage(
      t.url,
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: url,
        redirect_uri: AGENT_REDIRECT,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
    );
    expect(page).toContain('Metadata agent is not verified by your organization.');
    expect(page).toContain('127.0.0.1:8976');
    expect(page).toContain('<code>list_boards</code>');
    expect(page).not.toContain('<code>create_sticky_note</code>');
  });

  it('refuses documents whose client_id is not their URL, that are too large, not JSON, or name bad redirect URIs', async () => {
    const cases: [string, string, string][] = [
      ['/bad/mismatch.json', agentDocument(`${documents.origin}/elsewhere.json`), 'client_id is not the URL'],
      [
        '/bad/huge.json',
        agentDocument(`${documents.origin}/bad/huge.json`, { client_name: 'x'.repeat(6000) }),
        'larger than',
      ],
      ['/bad/text.json', 'not json', 'not JSON'],
      [
        '/bad/redirect.json',
        agentDocument(`${documents.origin}/bad/redirect.json`, { redirect_uris: ['http://evil.example/cb'] }),
        'must use https',
      ],
      [
        '/bad/secret.json',
        agentDocument(`${documents.origin}/bad/secret.json`, { token_endpoint_auth_method: 'client_secret_basic' }),
        'token_endpoint_auth_method must be',
      ],
    ];
    for (const [path, body, message] of cases) {
      documents.documents.set(path, { body });
      const response = await authorizePage(`${documents.origin}${path}`);
      expect(response.status, path).toBe(400);
      expect(await response.text(), path).toContain(message);
    }
    const missing = await authorizePage(`${documents.origin}/bad/missing.json`);
    expect(await missing.text()).toContain('answered HTTP 404');
  });

  it('never fetches a client id that is not https, and no app is made of a refused document', async () => {
    const response = await authorizePage(`http://127.0.0.1:1/agent.json`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('There is no app with this client_id.');
    expect(await t.repos.apps.findById(`${documents.origin}/bad/mismatch.json`)).toBeUndefined();
  });
});

describe('the client metadata document fetcher', () => {
  let documents: Awaited<ReturnType<typeof documentServer>>;
  beforeAll(async () => {
    documents = await documentServer(certificate);
    documents.documents.set('/ok.json', { body: '{}' });
    documents.documents.set('/slow.json', { body: '', hang: true });
  });
  afterAll(() => documents?.close());

  it('refuses loopback, private and link-local addresses, by literal and by name, outside development', async () => {
    const strict = documentFetcher({ allowPrivate: false, maxBytes: 5120, timeoutMs: 2000, ca: certificate.cert });
    await expect(strict(`${documents.origin}/ok.json`)).rejects.toThrow('does not fetch from');
    await expect(strict(`${documents.origin.replace('127.0.0.1', 'localhost')}/ok.json`)).rejects.toThrow(
      'does not fetch from',
    );
    await expect(strict('https://[::1]:1/x.json')).rejects.toThrow('does not fetch from');
    await expect(strict('http://example.com/x.json')).rejects.toThrow('Only https');
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    expect(isForbiddenAddress('93.184.215.14')).toBe(false);
    expect(isForbiddenAddress('2606:4700::1111')).toBe(false);
  });

  it('gives up on a document that does not arrive within its time limit', async () => {
    const fetcher = documentFetcher({ allowPrivate: true, maxBytes: 5120, timeoutMs: 300, ca: certificate.cert });
    await expect(fetcher(`${documents.origin}/slow.json`)).rejects.toThrow('took longer than 300 ms');
  });
});

/** A page fetched over HTTP by Alice, signed in through the real sign-in form. */
async function signedInPage(origin: string, path: string): Promise<string> {
  const cookies = new Map<string, string>();
  const call = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, origin), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  };
  const signInPage = await (await call('/signin')).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(signInPage)![1]!;
  await call('/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, email: 'alice@example.com', password: PASSWORD, return_to: '/' }),
  });
  return (await call(path)).text();
}
