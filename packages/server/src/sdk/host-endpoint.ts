import { isSdkMethod, SDK_METHOD_SCOPES } from '@grantboard/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, invalidParameters, tooManyRequests } from '../api/errors.js';
import { LEVEL_CREDITS } from '../api/route.js';
import type { AppContext } from '../app-context.js';
import { NotFoundError } from '../domain/errors.js';
import type { UserRow } from '../domain/model.js';
import { rateLimitHeaders } from '../http/responses.js';
import { checkParams, sdkMethods } from './methods.js';

const Params = Type.Object({ boardId: Type.String({ maxLength: 100 }), appId: Type.String({ maxLength: 30 }) });
const Body = Type.Object(
  {
    method: Type.String({ maxLength: 60 }),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

/** Miro's words for a call the installation's scopes do not cover. */
export function missingScope(method: string, scope: string): ApiError {
  return new ApiError(403, 'insufficientPermissions', `Method '${method}' requires scope '${scope}'`, {
    requiredScopes: [scope],
  });
}

/** Where the board page mounts the host endpoint, and how it tells the signed-in user of a request. */
export interface SdkHostMount {
  path: string;
  user(request: FastifyRequest): UserRow;
}

/**
 * The server half of the Web SDK bridge: the board page forwards each call an app's iframe makes,
 * and this endpoint decides it, in order: the user may open the board, the app is installed in the
 * board's team, the installation holds the method's scope, the call fits the app's rate-limit budget
 * for the user, the parameters are valid; then the board roles apply inside the domain, as for the
 * REST API. The iframe never holds a token.
 */
export function sdkHostRoutes(app: FastifyInstance, context: AppContext, mount: SdkHostMount): void {
  const { services, rateLimiter, config, clock } = context;
  const methods = sdkMethods(context);
  const policy = { limit: config.rateLimitCreditsPerMinute, windowMs: config.rateLimitWindowSeconds * 1000 };

  app.post(mount.path, { schema: { params: Params, body: Body } }, async (request, reply) => {
    const user = mount.user(request);
    const { boardId, appId } = request.params as { boardId: string; appId: string };
    const { method, params = {} } = request.body as { method: string; params?: Record<string, unknown> };
    const sdkApp = await services.apps.find(appId);
    if (!sdkApp) throw new NotFoundError(`There is no app with client id ${appId}.`);
    const { actor, access } = await services.boards.openAsUser(user.id, boardId, sdkApp.id);
    // The installation's scopes, narrowed to what the app is registered for today.
    const granted = await services.installs.grantedScopes(sdkApp, actor.teamId);
    if (!granted) {
      throw new ApiError(
        403,
        'appNotInstalled',
        `${sdkApp.name} is not installed in ${access.board.team_name}. Install it from the board's Apps panel.`,
      );
    }
    if (!isSdkMethod(method)) throw invalidParameters(`There is no Web SDK method '${method.slice(0, 60)}'.`);
    const required = SDK_METHOD_SCOPES[method];
    if (required !== null && !granted.includes(required)) throw missingScope(method, required);
    const definition = methods[method];
    // An app acting for a user spends one budget, whether through the REST API or the Web SDK.
    const decision = await rateLimiter.consume(`api:${sdkApp.id}:${user.id}`, LEVEL_CREDITS[definition.level], policy);
    const wait = rateLimitHeaders(reply, decision, clock.now());
    if (wait !== undefined) throw tooManyRequests(wait);
    checkParams(method, definition.params, params);
    const result = await definition.handle({ actor, app: sdkApp, user, board: access.board, params });
    return { result };
  });
}
