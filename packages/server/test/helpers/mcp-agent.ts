import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

export const AGENT_REDIRECT = 'http://127.0.0.1:8976/callback';

/**
 * The MCP SDK's OAuth client provider, as an agent implements it, keeping everything in memory and
 * recording the authorization URL instead of opening a browser.
 */
export class MemoryAgentProvider implements OAuthClientProvider {
  information: OAuthClientInformationMixed | undefined;
  savedTokens: OAuthTokens | undefined;
  verifier: string | undefined;
  authorizationUrl: URL | undefined;
  clientMetadataUrl?: string;

  constructor(options: { clientMetadataUrl?: string; name?: string; scope?: string } = {}) {
    if (options.clientMetadataUrl) this.clientMetadataUrl = options.clientMetadataUrl;
    this.clientMetadata = {
      client_name: options.name ?? 'Test agent',
      redirect_uris: [AGENT_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(options.scope ? { scope: options.scope } : {}),
    };
  }

  readonly clientMetadata: OAuthClientMetadata;
  get redirectUrl() {
    return AGENT_REDIRECT;
  }
  clientInformation() {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.information = information;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

/** An MCP client session over Streamable HTTP with the provider. */
export async function connectAgent(mcpUrl: string, provider: MemoryAgentProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const client = new Client({ name: 'grantboard-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** The first connection: refused with 401, the SDK discovers, registers and asks for authorization. */
export async function startAuthorization(mcpUrl: string, provider: MemoryAgentProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const client = new Client({ name: 'grantboard-test-agent', version: '1.0.0' });
  const error = await client.connect(transport).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { transport, error };
}
