import cookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { classifyFailure, UNAVAILABLE_RETRY_SECONDS } from '../http/failures.js';
import { retryAfter } from '../http/responses.js';
import { sdkHostRoutes } from '../sdk/host-endpoint.js';
import { sdkScriptRoutes } from '../sdk/script-route.js';
import { boardEndpoints } from './board-endpoints.js';
import { fileRoutes } from './files.js';
import { signedInScope } from './guard.js';
import { jsonScope, jsonUser } from './json-scope.js';
import { appPages } from './pages/app-page.js';
import { appsPages } from './pages/apps.js';
import { authorizePages } from './pages/authorize.js';
import { boardPages } from './pages/board.js';
import { boardInstallPages } from './pages/board-install.js';
import { demoCallbackPages } from './pages/demo-callback.js';
import { errorPage } from './pages/error-page.js';
import { homePage, homePages } from './pages/home.js';
import { orgAppsPages } from './pages/org-apps.js';
import { orgWebhooksPages } from './pages/org-webhooks.js';
import { profileAppsPages } from './pages/profile-apps.js';
import { signInPages } from './pages/sign-in.js';
import { upstreamSignInPages } from './pages/sign-in-upstream.js';
import { teamAppsPages } from './pages/team-apps.js';
import { teamAuditPages } from './pages/team-audit.js';
import { ROUTES } from './routes.js';
import { sessions as createSessions } from './session.js';
import { staticScripts } from './static-scripts.js';
import { ICON, STYLESHEET } from './stylesheet.js';
import { refuseInvalidText } from './text-inputs.js';

/**
 * Server-rendered pages: sign-in, the install & authorize (consent) page, the developer console,
 * team settings (installed apps, audit log), the user's authorized apps, and the board page with
 * its JSON endpoints and the Web SDK's host endpoint.
 */
export async function webPlugin(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(cookie);
  const sessions = createSessions(context);
  // Pages take HTML forms only; the JSON scope sets its own parser. Anything else is a 415 page.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  // Every query value, path parameter and field, checked once for every page and JSON endpoint.
  app.addHook('preValidation', refuseInvalidText);
  // Set before any route or scope is registered, so the signed-in scope inherits it.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Domain refusals that a page did not handle itself: a sentence fit to show.
    if (error instanceof ValidationError) return errorPage(reply, 400, 'That did not work', error.message);
    if (error instanceof NotFoundError) return errorPage(reply, 404, 'Not found', error.message);
    if (error instanceof ForbiddenError) return errorPage(reply, 403, 'Not allowed', error.message);
    const failure = classifyFailure(error, request);
    switch (failure.kind) {
      case 'client':
        if (failure.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
          return errorPage(
            reply,
            415,
            'Unsupported form encoding',
            'Grantboard’s forms are sent as application/x-www-form-urlencoded, as a browser sends them.',
          );
        }
        return errorPage(reply, failure.status, 'Bad request', 'The request could not be understood.');
      case 'unavailable':
        retryAfter(reply, UNAVAILABLE_RETRY_SECONDS);
        return errorPage(
          reply,
          503,
          'Temporarily unavailable',
          'Grantboard cannot reach its database right now. Please try again shortly.',
        );
      case 'unexpected':
        return errorPage(
          reply,
          500,
          'Something went wrong',
          'The server could not complete the request. Please try again.',
        );
    }
  });

  app.get(ROUTES.stylesheet, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(STYLESHEET),
  );
  app.get(ROUTES.icon, async (_request, reply) =>
    reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(ICON),
  );
  staticScripts(app);
  sdkScriptRoutes(app);
  fileRoutes(app, context);
  signInPages(app, context, sessions);
  upstreamSignInPages(app, context, sessions);
  authorizePages(app, context, sessions);
  homePages(app, context);
  demoCallbackPages(app, context, sessions);
  await signedInScope(app, sessions, (scope) => {
    homePage(scope, context, sessions);
    appsPages(scope, context, sessions);
    appPages(scope, context, sessions);
    teamAppsPages(scope, context, sessions);
    teamAuditPages(scope, context, sessions);
    orgWebhooksPages(scope, context, sessions);
    orgAppsPages(scope, context, sessions);
    profileAppsPages(scope, context, sessions);
    boardPages(scope, context);
    boardInstallPages(scope, context);
  });
  await jsonScope(app, sessions, (scope) => {
    boardEndpoints(scope, context);
    sdkHostRoutes(scope, context, {
      calls: ROUTES.boardAppSdk,
      events: ROUTES.boardAppEvents,
      user: (request) => jsonUser(request).user,
    });
  });
}
