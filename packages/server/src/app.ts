import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { adminPlugin } from './admin/plugin.js';
import { apiFrameworkErrors, frameworkErrorMessage, isApiPath } from './api/framework-errors.js';
import { apiPlugin } from './api/plugin.js';
import type { AppContext } from './app-context.js';
import type { Config } from './config/config.js';
import { shorten } from './domain/app-text.js';
import { createServices } from './domain/services.js';
import { withTestDenials } from './domain/test-rate-denials.js';
import { type Clock, systemClock } from './lib/clock.js';
import type { DocumentFetcher } from './lib/document-fetch.js';
import { lazyChildLogger, loggerOptions } from './lib/log.js';
import { createMetrics, metricsRoutes } from './lib/metrics.js';
import { createRateLimiter } from './lib/rate-limit/create-rate-limiter.js';
import type { RateLimiter } from './lib/rate-limit/rate-limiter.js';
import { mcpPlugin } from './mcp/plugin.js';
import { oauthPlugin } from './oauth/plugin.js';
import type { Database } from './storage/database.js';
import { createRepositories } from './storage/repositories/index.js';
import { errorPage } from './web/pages/error-page.js';
import { notFoundPage } from './web/pages/not-found-page.js';
import { webPlugin } from './web/plugin.js';

export interface AppDeps {
  database: Database;
  clock?: Clock;
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  /** The rate limiter; by default one from the configuration, closed with the app. */
  rateLimiter?: RateLimiter;
  /** How client metadata documents are fetched (tests trust their own certificate); see docs/mcp.md. */
  documentFetcher?: DocumentFetcher;
}

/** Builds the whole server without listening; `main.ts` listens. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logStream
      ? { ...loggerOptions(config.logLevel), stream: deps.logStream }
      : loggerOptions(config.logLevel),
    bodyLimit: 64 * 1024,
    // The issuer and every link come from PUBLIC_URL, never from Host or X-Forwarded-* (RFC 9700 §4.13).
    trustProxy: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // The router's own refusals (bad % escape, over-long parameter), before any surface sees them.
    frameworkErrors,
    childLoggerFactory: lazyChildLogger,
  });
  const clock = deps.clock ?? systemClock;
  const repos = createRepositories(deps.database.db, deps.database.tokenCache, deps.database.dialect);
  const baseLimiter =
    deps.rateLimiter ??
    createRateLimiter(config, clock, (error) =>
      app.log.warn({ err: error }, 'rate limiter unavailable: request let through'),
    );
  if (!deps.rateLimiter) app.addHook('onClose', () => baseLimiter.close());
  const services = createServices({ config, repos, clock, fetchDocument: deps.documentFetcher });
  // Test controls (ARCHITECTURE.md decision 18) may refuse a user of an app with 429 on demand.
  const rateLimiter = config.testControls ? withTestDenials(baseLimiter, services.testControls) : baseLimiter;
  const context: AppContext = {
    config,
    database: deps.database,
    repos,
    services,
    clock,
    rateLimiter,
    metrics: createMetrics(),
  };

  // Form bodies reach handlers as raw strings: OAuth endpoints must see repeated parameters.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  metricsRoutes(app, context.metrics, config.metricsToken);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.database.ping();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unavailable' });
  });

  await app.register(async (scope) => oauthPlugin(scope, context));
  await app.register(async (scope) => webPlugin(scope, context));
  await app.register(async (scope) => apiPlugin(scope, context));
  await app.register(async (scope) => mcpPlugin(scope, context));
  if (config.adminTokenDigests.length > 0) await app.register(async (scope) => adminPlugin(scope, context));

  // A path nothing answers: a page for browsers, JSON for API clients in the vocabulary of the
  // surface they were looking for (Miro's envelope under /v2, the two-vocabulary body elsewhere).
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (wantsHtml(request.headers.accept)) return notFoundPage(reply, shorten(path, 200));
    const message = `No route for ${request.method} ${shorten(path, 200)}`;
    if (isApiPath(path)) {
      return reply
        .code(404)
        .header('cache-control', 'no-store')
        .send({ status: 404, code: 'notFound', message, type: 'error' });
    }
    return sendInBothVocabularies(reply, 404, 'notFound', 'not_found', message);
  });
  return app;
}

/**
 * A path the router refused (a malformed % escape, an over-long parameter) answers in the
 * vocabulary of its surface, as a path nothing answers does: Miro's envelope under /v2, a page for
 * browsers, the two-vocabulary JSON body elsewhere.
 */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (isApiPath(request.url)) {
    apiFrameworkErrors(error, request, reply);
    return;
  }
  const message = frameworkErrorMessage(error);
  if (wantsHtml(request.headers.accept)) {
    errorPage(reply, 400, 'Bad address', message);
    return;
  }
  sendInBothVocabularies(reply, 400, 'badRequest', 'invalid_request', message);
}

/** For a client of an unknown surface: Miro's envelope and the OAuth error fields in one body. */
function sendInBothVocabularies(
  reply: FastifyReply,
  status: number,
  code: string,
  oauthError: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ status, code, message, type: 'error', error: oauthError, error_description: message });
}

/** A browser asks for HTML first; API clients send `application/json`, any type, or nothing. */
function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html\b/.test(accept);
}
