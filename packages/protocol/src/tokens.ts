/** `POST /v1/oauth/token` success body (snake_case, ids as strings). */
export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  scope: string;
  user_id: string;
  team_id: string;
  /** Seconds until the access token expires; only for apps with expiring tokens. */
  expires_in?: number;
  /** Only for apps with expiring tokens. */
  refresh_token?: string;
}

export interface TokenContextEntity {
  type: string;
  id: string;
  name: string;
}

/** `GET /v1/oauth-token` body. */
export interface TokenContext {
  type: 'oAuthToken';
  organization: TokenContextEntity;
  team: TokenContextEntity;
  createdBy: TokenContextEntity;
  user: TokenContextEntity;
  scopes: string[];
  createdAt: string;
}

/** Paths of the wire surface, as Miro has them. */
export const PATHS = {
  authorize: '/oauth/authorize',
  token: '/v1/oauth/token',
  tokenContext: '/v1/oauth-token',
  revokeV1: '/v1/oauth/revoke',
  revokeV2: '/v2/oauth/revoke',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
  /** RFC 7517 JWK Set of the keys RFC 9068 JWT access tokens are signed with (`jwks_uri`, RFC 8414). */
  jwks: '/oauth/jwks',
  metadata: '/.well-known/oauth-authorization-server',
  /** RFC 9728 protected resource metadata; the MCP server's is the same path suffixed with `/mcp`. */
  resourceMetadata: '/.well-known/oauth-protected-resource',
  /** RFC 7591 dynamic client registration. */
  register: '/oauth/register',
  /** The MCP server (Streamable HTTP). */
  mcp: '/mcp',
  appInstallCompleted: '/app-install-completed',
} as const;
