import { PATHS, SCOPE_NAMES } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { GRANTS } from '../grants/index.js';

/** RFC 8414 authorization server metadata, built from the route constants and the configured issuer. */
export function metadataDocument(publicUrl: string) {
  const at = (path: string) => `${publicUrl}${path}`;
  const clientAuth = ['client_secret_basic', 'client_secret_post', 'none'];
  return {
    issuer: publicUrl,
    authorization_endpoint: at(PATHS.authorize),
    token_endpoint: at(PATHS.token),
    revocation_endpoint: at(PATHS.revoke),
    introspection_endpoint: at(PATHS.introspect),
    // RFC 9068 JWT access tokens of the resource servers that chose them are signed with these keys.
    jwks_uri: at(PATHS.jwks),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANTS.keys()],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: clientAuth,
    revocation_endpoint_auth_methods_supported: clientAuth,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: SCOPE_NAMES,
    authorization_response_iss_parameter_supported: true,
    // RFC 7591 for agents that register themselves; a client id may also be the https URL of its
    // metadata document (OAuth Client ID Metadata Documents, as the MCP authorization spec uses it).
    registration_endpoint: at(PATHS.register),
    client_id_metadata_document_supported: true,
  };
}

export function metadataEndpoint(app: FastifyInstance, { config }: AppContext): void {
  const document = metadataDocument(config.publicUrl);
  app.get(PATHS.metadata, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(document),
  );
}
