import type { Static, TSchema } from '@sinclair/typebox';

export interface AdminSchemas {
  params?: TSchema;
  body?: TSchema;
  /** The success body; none for 204. */
  response?: TSchema;
}

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;

/** One admin operation: its wire contract (validation and OpenAPI from one declaration) and handler. */
export interface AdminRoute<S extends AdminSchemas = AdminSchemas> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to `/admin/v1`. */
  url: string;
  operationId: string;
  summary: string;
  tag:
    | 'Apps'
    | 'Teams and users'
    | 'Installations'
    | 'Tokens'
    | 'Resource servers'
    | 'Test controls'
    | 'Fixtures'
    | 'Webhooks';
  status: 200 | 201 | 204;
  schema: S;
  handle(request: {
    params: StaticOr<S['params'], Record<string, never>>;
    body: StaticOr<S['body'], undefined>;
  }): Promise<unknown>;
}

/** Declares an admin route, inferring the handler's types from its schemas. */
export function defineAdminRoute<S extends AdminSchemas>(route: AdminRoute<S>): AdminRoute<S> {
  return route;
}
