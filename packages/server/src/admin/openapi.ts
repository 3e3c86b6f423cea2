import type { Config } from '../config/config.js';
import type { AdminRoute } from './route.js';

type Json = Record<string, unknown>;

const ERROR = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: ['unauthorized', 'invalid', 'forbidden', 'not_found', 'unavailable', 'server_error'],
        },
        message: { type: 'string' },
        field: { type: 'string' },
      },
    },
  },
};

/** The admin API's OpenAPI 3.1 document, built from the same declarations that route and validate. */
export function adminOpenApiDocument(routes: AdminRoute[], config: Config): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = `/admin/v1${route.url.replace(/:(\w+)/g, '{$1}')}`;
    const params = route.schema.params as { properties?: Record<string, Json> } | undefined;
    const errorResponse = (description: string) => ({
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } },
    });
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(params?.properties
        ? {
            parameters: Object.entries(params.properties).map(([name, schema]) => ({
              name,
              in: 'path',
              required: true,
              schema,
            })),
          }
        : {}),
      ...(route.schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.schema.body } } } }
        : {}),
      responses: {
        [route.status]: route.schema.response
          ? { description: 'OK', content: { 'application/json': { schema: route.schema.response } } }
          : { description: 'Done' },
        400: errorResponse('invalid: the body or path names what is wrong'),
        401: errorResponse('unauthorized: no admin token, or not one of GRANTBOARD_ADMIN_TOKENS'),
        404: errorResponse('not_found: no such record, or the test controls are off'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Grantboard admin API',
      version: '1',
      description:
        'Operator and test controls (docs/admin-api.md). Bearer admin tokens from GRANTBOARD_ADMIN_TOKENS; test controls answer 404 unless GRANTBOARD_TEST_CONTROLS=on.',
    },
    servers: [{ url: config.publicUrl }],
    security: [{ adminToken: [] }],
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
      schemas: { AdminError: ERROR },
    },
  };
}
