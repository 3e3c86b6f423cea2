import type { Scope } from '@grantboard/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Actor } from '../domain/board-roles.js';

/** Miro's rate-limit levels and what a request of each costs, in credits (ARCHITECTURE.md decision 13). */
export const LEVEL_CREDITS = { 1: 50, 2: 100, 3: 500, 4: 2000 } as const;
export type RateLimitLevel = keyof typeof LEVEL_CREDITS;

/** The query parameters that select an operation variant (see `ApiRoute.variant`). */
export const QUERY_VARIANTS = ['tag_id', 'parent_item_id', 'delete_items'] as const;
export type QueryVariant = (typeof QUERY_VARIANTS)[number];

/** What every API route declares in its Fastify `config`; the hooks read it, handlers never do. */
export interface ApiRouteConfig {
  scopes: Scope[];
  rateLimitLevel: RateLimitLevel;
  /** Whether a request without a body is refused (the JSON parser reads it). */
  bodyRequired: boolean;
  /** Whether each item of an array body costs the level's credits (Miro's bulk create). */
  chargePerItem?: boolean;
}

export interface RouteSchemas {
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The success body; none for 204. */
  response?: TSchema;
}

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;

/**
 * A `multipart/form-data` body, as Miro's "using file from device" operations take: one or more
 * file parts and a `data` part holding JSON. Any other part, or a part sent twice, is refused.
 */
export interface MultipartBody {
  /** The file part: `resource` (one file) or `resources` (Miro's bulk create, up to `maxFiles`). */
  filePart: 'resource' | 'resources';
  maxFiles: number;
  /** What the JSON in the `data` part must be, as the OpenAPI document shows it (the route checks it). */
  data: TSchema;
  dataRequired: boolean;
}

/** What the parts of a multipart body gave: the parsed `data` JSON and the files' bytes, in order. */
export interface MultipartParts {
  data: unknown;
  files: Buffer[];
}

/** What a handler gets: validated, typed input and the acting user, never the token. */
export interface ApiRequest<S extends RouteSchemas> {
  params: StaticOr<S['params'], Record<string, never>>;
  query: StaticOr<S['querystring'], Record<string, never>>;
  body: StaticOr<S['body'], undefined>;
  /** The parts of a multipart body (`ApiRoute.multipart`); none otherwise. */
  parts: MultipartParts | undefined;
  actor: Actor;
}

/** One REST operation: its wire contract, scopes and level, and its handler. */
export interface ApiRoute<S extends RouteSchemas = RouteSchemas> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag:
    | 'Boards'
    | 'Board members'
    | 'Items'
    | 'Sticky notes'
    | 'Texts'
    | 'Shapes'
    | 'Frames'
    | 'Cards'
    | 'App cards'
    | 'Images'
    | 'Embeds'
    | 'Documents'
    | 'Doc formats'
    | 'Connectors'
    | 'Groups'
    | 'Bulk operations'
    | 'Tags';
  /**
   * For an operation Miro tells apart from another on the same method and path only by a query
   * parameter (`DELETE …/items/{item_id}?tag_id=` removes a tag; without it the item goes): the
   * parameter whose presence selects this one. Its query schema must require it.
   */
  variant?: QueryVariant;
  /**
   * For an operation Miro tells apart from another on the same method and path by its body alone:
   * a multipart body (the upload of a file), routed by the request's content type.
   */
  multipart?: MultipartBody;
  scopes: Scope[];
  level: RateLimitLevel;
  status: 200 | 201 | 204;
  /** The body may be left out entirely (every field in it is optional). */
  optionalBody?: boolean;
  /** Each item of the (array) body costs the level's credits, as Miro charges a bulk create. */
  chargePerItem?: boolean;
  schema: S;
  handle(request: ApiRequest<S>): Promise<unknown>;
}

/** Declares a route, inferring the handler's types from its schemas. */
export function defineRoute<S extends RouteSchemas>(route: ApiRoute<S>): ApiRoute<S> {
  return route;
}
