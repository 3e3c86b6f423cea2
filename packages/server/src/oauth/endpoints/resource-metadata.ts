import { PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';

/** The scopes the board tools of both resource servers need. */
const BOARD_SCOPES = ['boards:read', 'boards:write'];

/**
 * RFC 9728 §3.1: the metadata of the resource `https://host/mcp` lives at
 * `https://host/.well-known/oauth-protected-resource/mcp`; that of `https://host` (the REST API)
 * at the well-known path itself.
 */
export function resourceMetadataUrl(publicUrl: string, resource: string): string {
  return `${publicUrl}${PATHS.resourceMetadata}${new URL(resource).pathname.replace(/\/$/, '')}`;
}

/** RFC 9728 §2: which authorization server issues tokens for the resource, and how to present them. */
export function resourceMetadataDocument(publicUrl: string, resource: string, name: string) {
  return {
    resource,
    authorization_servers: [publicUrl],
    scopes_supported: BOARD_SCOPES,
    bearer_methods_supported: ['header'],
    resource_name: name,
    resource_documentation: `${publicUrl}/docs/api`,
  };
}

export function resourceMetadataEndpoints(app: FastifyInstance, { services, config }: AppContext): void {
  const { rest, mcp } = services.resources;
  const documents = [
    resourceMetadataDocument(config.publicUrl, rest, 'Grantboard REST API'),
    resourceMetadataDocument(config.publicUrl, mcp, 'Grantboard MCP server'),
  ];
  for (const document of documents) {
    const path = new URL(resourceMetadataUrl(config.publicUrl, document.resource)).pathname;
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*').send(document),
    );
  }
}
