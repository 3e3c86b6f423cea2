import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { secretsEqual } from './compare.js';

/** Prometheus metrics of one server process. Labels never carry ids, tokens or user data. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: requestDurations(registry),
    tokenRequests: new Counter({
      name: 'grantboard_token_requests_total',
      help: 'Token endpoint requests by grant type and outcome (ok or the OAuth error code)',
      labelNames: ['grant_type', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

interface DurationSeries {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket of `DURATION_BUCKETS`, and past the last one; not cumulative. */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * Request durations by method, route and status class, as a Prometheus histogram kept in plain
 * arrays: an observation is one map lookup and a few additions. prom-client's own Histogram
 * validates and hashes the labels on every observation, which cost more on the token check than the
 * check itself (docs/performance.md). The registry asks for the series when `/metrics` is read.
 */
function requestDurations(registry: Registry) {
  const name = 'grantboard_http_request_duration_seconds';
  const help = 'HTTP request duration by route and status class';
  // Routes are the registered patterns, so the set of series is bounded.
  const series = new Map<string, DurationSeries>();
  const exported = {
    name,
    help,
    get: async () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: [...series.values()].flatMap(({ labels, buckets, sum, count }) => {
        let below = 0;
        return [
          ...DURATION_BUCKETS.map((le, i) => {
            below += buckets[i]!;
            return { metricName: `${name}_bucket`, labels: { ...labels, le }, value: below };
          }),
          { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
          { metricName: `${name}_sum`, labels, value: sum },
          { metricName: `${name}_count`, labels, value: count },
        ];
      }),
    }),
  };
  registry.registerMetric(exported as unknown as Metric);
  return {
    observe(method: string, route: string, status: string, seconds: number): void {
      const key = `${method} ${status} ${route}`;
      let one = series.get(key);
      if (one === undefined) {
        one = {
          labels: { method, route, status },
          buckets: Array(DURATION_BUCKETS.length + 1).fill(0),
          sum: 0,
          count: 0,
        };
        series.set(key, one);
      }
      let bucket = 0;
      while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
      one.buckets[bucket]!++;
      one.sum += seconds;
      one.count++;
    },
  };
}

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * Records request durations and serves `GET /metrics`. With `token` set, the endpoint wants
 * `Authorization: Bearer <token>`, so it can sit on a public port.
 */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  // A callback hook, not an async one: no promise per request on the hottest routes.
  app.addHook('onResponse', (request, reply, done) => {
    const status = STATUS_CLASSES[Math.floor(reply.statusCode / 100)] ?? 'other';
    metrics.requests.observe(request.method, request.routeOptions.url ?? 'unmatched', status, reply.elapsedTime / 1000);
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
