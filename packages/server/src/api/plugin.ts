import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { noStore } from '../http/responses.js';
import { apiErrorHandler } from './error-handler.js';
import { apiGuards } from './guards.js';
import { addBodyKinds, keepParts, multipartBodies, partsOf, readParts } from './multipart.js';
import { openApiDocument } from './openapi/document.js';
import { referencePages } from './openapi/reference-page.js';
import { addQueryVariants, bodyRequired, jsonBodies, NoBody, routeQuery, routeUrls } from './request-shape.js';
import type { ApiRoute } from './route.js';
import { boardRoutes } from './routes/boards.js';
import { cardAndMediaRoutes } from './routes/card-items.js';
import { connectorRoutes } from './routes/connectors.js';
import { groupRoutes } from './routes/groups.js';
import { itemRoutes } from './routes/items.js';
import { memberRoutes } from './routes/members.js';
import { tagRoutes } from './routes/tags.js';
import { uploadRoutes } from './routes/uploads.js';
import { typeboxValidatorCompiler } from './validation.js';

/** Every REST operation, in the order the reference lists them. */
export function apiRoutes(context: AppContext): ApiRoute[] {
  return [
    ...boardRoutes(context),
    ...memberRoutes(context),
    ...itemRoutes(context),
    ...cardAndMediaRoutes(context),
    ...uploadRoutes(context),
    ...connectorRoutes(context),
    ...groupRoutes(context),
    ...tagRoutes(context),
  ];
}

/**
 * The REST API v2 (the resource server) with its OpenAPI document and reference page. One hook
 * authenticates, one spends rate-limit credits, one checks scopes; one error handler answers every
 * failure in Miro's envelope, so Fastify's default error shapes never reach a client.
 */
export async function apiPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  const routes = apiRoutes(context);
  const guards = apiGuards(context);

  // Bodies are JSON and nothing else: a form or text body is refused before it reaches validation.
  jsonBodies(app);
  addQueryVariants(app);
  addBodyKinds(app);
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(apiErrorHandler);

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.scopes !== undefined) noStore(reply);
  });
  app.addHook('onRequest', guards.authenticate);
  app.addHook('onRequest', guards.rateLimit);
  app.addHook('onRequest', guards.checkScope);
  app.addHook('preHandler', guards.chargeItems);

  // A variant is routed by its query parameter only where another operation has its method and path.
  const shared = (route: ApiRoute) =>
    routes.some((other) => other !== route && other.method === route.method && other.url === route.url);
  const register = (instance: FastifyInstance, route: ApiRoute) => {
    // GET and HEAD bodies are never read; every other route without a body takes none.
    const upload = route.multipart;
    const body = upload ? undefined : (route.schema.body ?? (route.method === 'GET' ? undefined : NoBody));
    const bodyOptional = route.optionalBody === true || route.schema.body === undefined;
    const constraints = {
      ...(route.variant && shared(route) ? { queryVariant: route.variant } : {}),
      ...(upload ? { bodyKind: 'multipart' } : {}),
    };
    for (const url of routeUrls(route.url)) {
      instance.route({
        method: route.method,
        url,
        ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
        config: {
          scopes: route.scopes,
          rateLimitLevel: route.level,
          bodyRequired: bodyRequired(route),
          chargePerItem: route.chargePerItem === true,
        },
        schema: {
          ...(route.schema.params ? { params: route.schema.params } : {}),
          querystring: routeQuery(route.schema.querystring),
          ...(body ? { body } : {}),
        },
        ...(upload
          ? {
              // Read once path and query are validated; then the per-item charge counts a bulk
              // create's items in `body` (the context's charge ran before, on no body).
              preHandler: [
                async (request: FastifyRequest) => {
                  const parts = await readParts(request, upload);
                  keepParts(request, parts);
                  request.body = parts.data;
                },
                guards.chargeItems,
              ],
            }
          : bodyOptional && body
            ? {
                preValidation: async (request: FastifyRequest) => {
                  if (request.body === undefined) request.body = {};
                },
              }
            : {}),
        handler: async (request, reply) => {
          const result = await route.handle({
            params: request.params as never,
            query: request.query as never,
            body: (upload ? undefined : request.body) as never,
            parts: partsOf(request),
            actor: guards.actorOf(request),
          });
          reply.code(route.status);
          return route.status === 204 ? reply.send() : reply.send(result);
        },
      });
    }
  };
  for (const route of routes) if (route.multipart === undefined) register(app, route);
  // The multipart parser lives only in the context of the upload routes.
  await app.register(async (uploads) => {
    await multipartBodies(uploads);
    for (const route of routes) if (route.multipart !== undefined) register(uploads, route);
  });

  const document = openApiDocument(routes, context.config);
  referencePages(app, routes, document);
}
