import { PATHS } from '@grantboard/protocol';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LEVEL_CREDITS } from '../api/route.js';
import type { AppContext } from '../app-context.js';
import type { Actor } from '../domain/board-roles.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { classifyFailure } from '../http/failures.js';
import { noStore, rateLimitHeaders } from '../http/responses.js';
import { resourceMetadataUrl } from '../oauth/endpoints/resource-metadata.js';
import { BOARD_TOOLS, type BoardTool, textResult, toolsFor } from './tools.js';

const quote = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');

/** A refusal of the HTTP request itself, before MCP: a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1). */
class McpHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly challenge?: string,
  ) {
    super(message);
  }
}

interface ToolCall {
  method?: unknown;
  params?: { name?: unknown };
}

/**
 * The MCP server (Streamable HTTP, stateless): every POST carries its own access token, which must
 * have been issued for this resource (RFC 8707); each request gets a fresh server with the tools
 * the token's scopes allow, acting as the token's user in the token's team (ARCHITECTURE.md decision 22).
 */
export async function mcpPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  const { services, config, rateLimiter, clock } = context;
  const metadataUrl = resourceMetadataUrl(config.publicUrl, services.resources.mcp);
  const allScopes = [...new Set(BOARD_TOOLS.map((tool) => tool.scope))].join(' ');
  const policy = { limit: config.rateLimitCreditsPerMinute, windowMs: config.rateLimitWindowSeconds * 1000 };

  /** RFC 9728 §5.1: every 401 names the resource metadata, so a client can find where to authorize. */
  const challenge = (error?: { code: string; description: string }) =>
    [
      `Bearer resource_metadata="${metadataUrl}"`,
      `scope="${allScopes}"`,
      ...(error ? [`error="${error.code}"`, `error_description="${quote(error.description)}"`] : []),
    ].join(', ');

  async function authenticate(request: FastifyRequest) {
    const header = request.headers.authorization;
    // The MCP authorization spec: tokens only in the Authorization header, never in the query.
    if (header === undefined) throw new McpHttpError(401, 'An access token is required.', challenge());
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    const invalid = (description: string) =>
      new McpHttpError(401, description, challenge({ code: 'invalid_token', description }));
    if (!match?.[1]) throw invalid('The Authorization header is not a Bearer token.');
    const check = await services.tokens.checkAccess(match[1], services.resources.mcp);
    if (check.kind === 'expired') throw invalid('The access token has expired.');
    if (check.kind === 'invalid') throw invalid('The access token is invalid, revoked, or not issued for this server.');
    return check.grant;
  }

  /** A tool call spends the credits of its level from the same budget as the REST API (per user per app). */
  async function spend(reply: FastifyReply, grant: { appId: string; userId: string }, tools: BoardTool[]) {
    if (tools.length === 0) return;
    const credits = tools.reduce((sum, tool) => sum + LEVEL_CREDITS[tool.level], 0);
    const decision = await rateLimiter.consume(`api:${grant.appId}:${grant.userId}`, credits, policy);
    const wait = rateLimitHeaders(reply, decision, clock.now());
    if (wait !== undefined) throw new McpHttpError(429, `Rate limit exceeded: retry in ${wait} seconds.`);
  }

  function server(actor: Actor, tools: BoardTool[]): McpServer {
    const mcp = new McpServer({ name: 'grantboard', version: '0.1.0' }, { capabilities: { tools: {} } });
    for (const tool of tools) {
      mcp.registerTool(
        tool.name,
        { title: tool.title, description: tool.description, inputSchema: tool.input },
        async (args: Record<string, unknown>) => {
          try {
            return textResult(await tool.run(services, actor, args));
          } catch (error) {
            // The domain's refusals are the tool's answer; anything else is the server's failure.
            if (error instanceof NotFoundError || error instanceof ValidationError || error instanceof ForbiddenError) {
              return textResult(error.message, true);
            }
            throw error;
          }
        },
      );
    }
    return mcp;
  }

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const grant = await authenticate(request);
    const allowed = toolsFor(grant.scopes);
    const messages = (Array.isArray(request.body) ? request.body : [request.body]) as ToolCall[];
    const called = messages.flatMap((message) =>
      message && typeof message === 'object' && message.method === 'tools/call'
        ? BOARD_TOOLS.filter((tool) => tool.name === message.params?.name)
        : [],
    );
    // A tool the scopes do not allow is refused with the scope that would allow it, so the agent can
    // ask the user for more (RFC 6750 §3.1, the MCP authorization spec's scope challenge).
    const beyond = called.filter((tool) => !allowed.includes(tool));
    if (beyond.length > 0) {
      const needed = [...new Set([...grant.scopes, ...beyond.map((tool) => tool.scope)])].join(' ');
      const description = `The tool ${beyond[0]!.name} needs the ${beyond[0]!.scope} scope.`;
      throw new McpHttpError(
        403,
        description,
        `Bearer resource_metadata="${metadataUrl}", scope="${needed}", error="insufficient_scope", error_description="${quote(description)}"`,
      );
    }
    await spend(reply, grant, called);
    const actor: Actor = { userId: grant.userId, teamId: grant.teamId, appId: grant.appId };
    const mcp = server(actor, allowed);
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    reply.hijack();
    // Headers set so far (rate limits) go out with the transport's response.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value as string);
    }
    reply.raw.setHeader('cache-control', 'no-store');
    reply.raw.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  }

  app.post(PATHS.mcp, handle);
  // Stateless: no server-sent event stream to resume and no session to end (MCP transports, 2025-11-25).
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: PATHS.mcp,
      handler: async (request, reply) => {
        await authenticate(request);
        return reply
          .code(405)
          .header('allow', 'POST')
          .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
      },
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof McpHttpError) {
      if (error.challenge) reply.header('www-authenticate', error.challenge);
      return noStore(reply.code(error.status)).send({
        jsonrpc: '2.0',
        error: { code: -32001, message: error.message },
        id: null,
      });
    }
    const failure = classifyFailure(error, request);
    if (failure.kind === 'client') {
      return noStore(reply.code(failure.status)).send({
        jsonrpc: '2.0',
        error: { code: -32700, message: failure.message },
        id: null,
      });
    }
    return noStore(reply.code(failure.kind === 'unavailable' ? 503 : 500)).send({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'The server could not complete the request.' },
      id: null,
    });
  });
}
