import type { FastifyInstance } from 'fastify';
import { typeboxValidatorCompiler } from '../api/validation.js';
import type { AppContext } from '../app-context.js';
import { noStore } from '../http/responses.js';
import { checkAdminToken } from './authenticate.js';
import { adminErrorHandler } from './errors.js';
import { adminOpenApiDocument } from './openapi.js';
import { adminRoutes } from './routes.js';

/** The admin API's base path. */
export const ADMIN_BASE = '/admin/v1';

/**
 * `/admin/v1` (ARCHITECTURE.md decision 18): apps, teams, users, memberships, installations,
 * tokens and test controls for operators and CI. Registered only when admin tokens are configured;
 * every request, the OpenAPI document included, wants one.
 */
export async function adminPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  const routes = adminRoutes(context);
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(adminErrorHandler);
  app.addHook('onRequest', async (request, reply) => {
    noStore(reply);
    checkAdminToken(context.config.adminTokenDigests, request.headers.authorization);
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: `${ADMIN_BASE}${route.url}`,
      schema: {
        ...(route.schema.params ? { params: route.schema.params } : {}),
        ...(route.schema.body ? { body: route.schema.body } : {}),
      },
      handler: async (request, reply) => {
        const result = await route.handle({ params: request.params as never, body: request.body as never });
        reply.code(route.status);
        return route.status === 204 ? reply.send() : reply.send(result);
      },
    });
  }
  const document = adminOpenApiDocument(routes, context.config);
  app.get(`${ADMIN_BASE}/openapi.json`, async () => document);
}
