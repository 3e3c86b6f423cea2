import cookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isDatabaseUnavailable } from '../storage/database.js';
import { STYLESHEET } from './layout.js';
import { authorizePages } from './pages/authorize.js';
import { errorPage } from './pages/error-page.js';
import { homePages } from './pages/home.js';
import { signInPages } from './pages/sign-in.js';
import { sessions as createSessions } from './session.js';

/** Server-rendered pages: sign-in, the install & authorize (consent) page, home. */
export async function webPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(cookie);
  const sessions = createSessions(context);

  app.get('/static/style.css', async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(STYLESHEET),
  );
  signInPages(app, context, sessions);
  authorizePages(app, context, sessions);
  homePages(app, context, sessions);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return errorPage(reply, error.statusCode, 'Bad request', 'The request could not be understood.');
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '1');
      return errorPage(
        reply,
        503,
        'Temporarily unavailable',
        'Grantboard cannot reach its database right now. Please try again shortly.',
      );
    }
    request.log.error({ err: error }, 'unexpected error');
    return errorPage(
      reply,
      500,
      'Something went wrong',
      'The server could not complete the request. Please try again.',
    );
  });
}
