import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { secretsEqual } from './compare.js';

/** Prometheus metrics of one server process. Labels never carry ids, tokens or user data. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Histogram({
      name: 'grantboard_http_request_duration_seconds',
      help: 'HTTP request duration by route and status class',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    tokenRequests: new Counter({
      name: 'grantboard_token_requests_total',
      help: 'Token endpoint requests by grant type and outcome (ok or the OAuth error code)',
      labelNames: ['grant_type', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * Records request durations and serves `GET /metrics`. With `token` set, the endpoint wants
 * `Authorization: Bearer <token>`, so it can sit on a public port.
 */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  // One labelled child per method × route × status class, looked up by a string key: prom-client
  // hashes the label object on every `observe`, which on the token-check routes cost more than the
  // observation itself. Routes are the registered patterns, so the set is bounded.
  const children = new Map<string, ReturnType<Metrics['requests']['labels']>>();
  // A callback hook, not an async one: no promise per request on the hottest routes.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = STATUS_CLASSES[Math.floor(reply.statusCode / 100)] ?? 'other';
    const key = `${request.method} ${status} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      child = metrics.requests.labels({ method: request.method, route, status });
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined) {
      if (!secretsEqual(`Bearer ${token}`, request.headers.authorization)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ status: 401, code: 'tokenInvalid', message: 'Metrics need the metrics token.', type: 'error' });
      }
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
