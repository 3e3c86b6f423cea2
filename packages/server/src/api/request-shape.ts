import type { IncomingMessage } from 'node:http';
import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ApiRoute, QUERY_VARIANTS, type QueryVariant } from './route.js';
import { closed } from './schemas/common.js';

/**
 * What a request may carry besides what its operation declares: the rules of ARCHITECTURE.md
 * decision 16 ("strict by default … where Miro is lenient, so is Grantboard"), in one place.
 */

/**
 * The query string a route accepts: what it declares, plus `access_token` (Miro's docs allow the
 * token in the query, RFC 6750 §2.3), and nothing else. An unknown parameter is a 400 naming it,
 * never ignored: Miro's `DELETE …/items/{id}?tag_id=` removes a tag, and ignoring `tag_id` would
 * delete the item.
 */
export function routeQuery(declared: TSchema | undefined): TObject {
  const properties = (declared as TObject | undefined)?.properties ?? {};
  return Type.Object(
    {
      ...properties,
      access_token: Type.Optional(Type.String({ description: 'The access token, when not sent as a Bearer header.' })),
    },
    closed,
  );
}

/**
 * A route that declares no body takes none: `{}` or nothing at all. A body with fields is a 400
 * naming them, like an unknown field of a declared body (GET and HEAD bodies are never read).
 */
export const NoBody = Type.Object({}, closed);

/** Whether the route refuses a request without a body. */
export const bodyRequired = (route: ApiRoute): boolean => route.schema.body !== undefined && !route.optionalBody;

/**
 * Miro's paths and the alias it also answers: a collection path (one ending in a fixed segment,
 * such as `/v2/boards`) with a trailing slash, as Miro's own examples call `/v2/boards/`.
 */
export function routeUrls(url: string): string[] {
  const last = url.slice(url.lastIndexOf('/') + 1);
  return last.startsWith(':') ? [url] : [url, `${url}/`];
}

/**
 * JSON bodies, and nothing else. An empty body with a JSON content type counts as no body where
 * none is required: hand-written clients send `Content-Type: application/json` on every call,
 * DELETE included. Where a body is required, an empty one stays "not valid JSON".
 */
export function jsonBodies(app: FastifyInstance): void {
  // Fastify's own parser (proto poisoning refused), in its callback form.
  const parseJson = app.getDefaultJsonParser('error', 'error') as (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, body?: unknown) => void,
  ) => void;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body, done) => {
    const text = body.toString();
    if (text.trim() === '' && request.routeOptions.config.bodyRequired === false) {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** The handler store of a router constraint whose values are plain strings (find-my-way's contract). */
export function constraintStorage() {
  const handlers = new Map<string, unknown>();
  return {
    get: (value: string) => (handlers.get(value) ?? null) as never,
    set: (value: string, handler: unknown) => void handlers.set(value, handler),
  };
}

/**
 * The router constraint that picks an operation variant by the query parameter it is named for:
 * the first of `QUERY_VARIANTS` present in the query string. A request with none, or with one no
 * variant of its method and path takes, reaches the plain operation, whose closed query refuses it.
 */
export function addQueryVariants(app: FastifyInstance): void {
  const present = QUERY_VARIANTS.map((name) => [name, new RegExp(`(?:^|&)${name}(?:=|&|$)`)] as const);
  app.addConstraintStrategy({
    name: 'queryVariant',
    mustMatchWhenDerived: false,
    storage: constraintStorage,
    deriveConstraint(request: IncomingMessage): QueryVariant | undefined {
      const url = request.url ?? '';
      const at = url.indexOf('?');
      if (at === -1) return undefined;
      const query = url.slice(at + 1);
      return present.find(([, test]) => test.test(query))?.[0];
    },
  });
}
