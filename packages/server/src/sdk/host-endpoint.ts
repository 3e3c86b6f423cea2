import {
  isSdkMethod,
  SDK_EVENT_SCOPES,
  SDK_EVENTS,
  SDK_METHOD_SCOPES,
  type SdkEventDelivery,
  type SdkItem,
} from '@grantboard/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, invalidParameters, tooManyRequests } from '../api/errors.js';
import { LEVEL_CREDITS } from '../api/route.js';
import { Coordinate, closed, ItemId, StringEnum } from '../api/schemas/common.js';
import type { AppContext } from '../app-context.js';
import type { Actor } from '../domain/board-roles.js';
import { NotFoundError } from '../domain/errors.js';
import { MAX_IMAGE_DATA_URL_LENGTH } from '../domain/image-data-url.js';
import type { App, BoardView, UserRow } from '../domain/model.js';
import { rateLimitHeaders } from '../http/responses.js';
import { presentSdkItem, sdkItems } from './items.js';
import { checkParams, sdkMethods } from './methods.js';

const Params = Type.Object({ boardId: Type.String({ maxLength: 100 }), appId: Type.String({ maxLength: 30 }) });
const Body = Type.Object(
  {
    method: Type.String({ maxLength: 60 }),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
const EventBody = Type.Object(
  {
    event: StringEnum(SDK_EVENTS),
    itemIds: Type.Optional(Type.Array(ItemId, { maxItems: 1000 })),
    deleted: Type.Optional(
      Type.Array(Type.Object({ id: ItemId, type: Type.String({ pattern: '^[a-z_]{1,40}$' }) }, closed), {
        maxItems: 1000,
      }),
    ),
    x: Type.Optional(Coordinate),
    y: Type.Optional(Coordinate),
  },
  closed,
);

/** Miro's words for a call the installation's scopes do not cover. */
export function missingScope(method: string, scope: string): ApiError {
  return new ApiError(403, 'insufficientPermissions', `Method '${method}' requires scope '${scope}'`, {
    requiredScopes: [scope],
  });
}

/** Where the board page mounts the host endpoints, and how it tells the signed-in user of a request. */
export interface SdkHostMount {
  /** One Web SDK call: `POST {calls}` with `{method, params}`. */
  calls: string;
  /** One event for one app frame: `POST {events}` with an `SdkEventDelivery`. */
  events: string;
  user(request: FastifyRequest): UserRow;
}

interface Authorized {
  app: App;
  appOrigin: string;
  actor: Actor;
  board: BoardView;
  granted: string[];
}

/**
 * The server half of the Web SDK bridge. The board page forwards each call an app's frame makes,
 * and asks before it delivers each event to a frame; both are decided here, in order: the user may
 * open the board, the app exists and is installed in the board's team, the installation holds the
 * scope; for calls, the call fits the app's rate-limit budget for the user and the parameters are
 * valid; then the board roles apply inside the domain, as for the REST API. Nothing is remembered
 * between requests, so an uninstall, a removed scope or a deleted app stops calls and events at
 * once. The frame never holds a token.
 */
export function sdkHostRoutes(app: FastifyInstance, context: AppContext, mount: SdkHostMount): void {
  const { services, rateLimiter, config, clock } = context;
  const methods = sdkMethods(context);
  const items = sdkItems(services);
  const policy = { limit: config.rateLimitCreditsPerMinute, windowMs: config.rateLimitWindowSeconds * 1000 };

  async function authorize(user: UserRow, boardId: string, appId: string): Promise<Authorized> {
    const sdkApp = await services.apps.find(appId);
    if (!sdkApp?.sdkUri) throw new NotFoundError(`There is no board app with client id ${appId}.`);
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
    return { app: sdkApp, appOrigin: new URL(sdkApp.sdkUri).origin, actor, board: access.board, granted };
  }

  // A call may carry an image data URL (`createImage`), larger than the server's usual body limit.
  const callBodyLimit = MAX_IMAGE_DATA_URL_LENGTH + 64 * 1024;
  app.post(
    mount.calls,
    { bodyLimit: callBodyLimit, schema: { params: Params, body: Body } },
    async (request, reply) => {
      const user = mount.user(request);
      const { boardId, appId } = request.params as { boardId: string; appId: string };
      const { method, params = {} } = request.body as { method: string; params?: Record<string, unknown> };
      const { app: sdkApp, appOrigin, actor, board, granted } = await authorize(user, boardId, appId);
      if (!isSdkMethod(method)) throw invalidParameters(`There is no Web SDK method '${method.slice(0, 60)}'.`);
      const required = SDK_METHOD_SCOPES[method];
      if (required !== null && !granted.includes(required)) throw missingScope(method, required);
      const definition = methods[method];
      // An app acting for a user spends one budget, whether through the REST API or the Web SDK.
      const decision = await rateLimiter.consume(
        `api:${sdkApp.id}:${user.id}`,
        LEVEL_CREDITS[definition.level],
        policy,
      );
      const wait = rateLimitHeaders(reply, decision, clock.now());
      if (wait !== undefined) throw tooManyRequests(wait);
      checkParams(method, definition.params, params);
      if (method === 'subscribe') {
        for (const event of (params as { events: (keyof typeof SDK_EVENT_SCOPES)[] }).events) {
          const scope = SDK_EVENT_SCOPES[event];
          if (scope !== null && !granted.includes(scope)) throw missingScope(`on('${String(event)}')`, scope);
        }
      }
      const result = await definition.handle({ actor, app: sdkApp, appOrigin, user, board, params });
      return { result };
    },
  );

  // An event is not the app's call, so it spends no budget; it passes the same checks as one.
  app.post(mount.events, { schema: { params: Params, body: EventBody } }, async (request) => {
    const user = mount.user(request);
    const { boardId, appId } = request.params as { boardId: string; appId: string };
    const delivery = request.body as SdkEventDelivery;
    const { app: sdkApp, actor, board, granted } = await authorize(user, boardId, appId);
    const scope = SDK_EVENT_SCOPES[delivery.event];
    if (scope !== null && !granted.includes(scope)) throw missingScope(`on('${delivery.event}')`, scope);
    switch (delivery.event) {
      case 'items:delete':
        return { payload: { items: delivery.deleted ?? [] } };
      case 'items:create':
      case 'experimental:items:update':
      case 'selection:update': {
        // The items as the server has them now, never the page's copy.
        const ids = new Set(delivery.itemIds ?? []);
        const found: SdkItem[] =
          ids.size === 0 ? [] : (await items.list(actor, board.id)).filter((item) => ids.has(item.id));
        return { payload: { items: found } };
      }
      case 'drop':
        return { payload: { x: delivery.x ?? 0, y: delivery.y ?? 0 } };
      case 'app_card:open':
      case 'app_card:connect': {
        // As in Miro, only the app that made the app card hears of clicks on it; others get no payload.
        const id = delivery.itemIds?.[0];
        if (id === undefined) return { payload: {} };
        let card: Awaited<ReturnType<typeof services.items.get>>;
        try {
          card = await services.items.get(actor, board.id, id, 'app_card');
        } catch (error) {
          if (error instanceof NotFoundError) return { payload: {} };
          throw error;
        }
        if (card.created_by_app !== sdkApp.id) return { payload: {} };
        return { payload: { appCard: presentSdkItem(card) } };
      }
      default:
        return { payload: {} };
    }
  });
}
