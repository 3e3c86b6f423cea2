import { SDK_EVENTS, type SdkItem, type SdkMethod, type SdkTag } from '@grantboard/protocol';
import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { RateLimitLevel } from '../api/route.js';
import { Coordinate, closed, ItemId, StringEnum } from '../api/schemas/common.js';
import type { AppContext } from '../app-context.js';
import type { Actor } from '../domain/board-roles.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { App, BoardView, UserRow } from '../domain/model.js';
import { signIdToken } from './id-token.js';
import {
  AppCardProps,
  CardProps,
  ConnectorProps,
  type ConnectorProps as ConnectorPropsType,
  EmbedProps,
  FrameProps,
  ImageProps,
  type ItemChangesProps,
  ItemChangesProps as ItemChangesSchema,
  type SdkItemType,
  ShapeProps,
  StickyNoteProps,
  type StickyNoteProps as StickyNotePropsType,
  sdkItems,
  TagProps,
  type TagProps as TagPropsType,
  TextProps,
} from './items.js';

/** One Web SDK call that passed the host's checks: the installation exists and holds the method's scope. */
export interface SdkCall {
  actor: Actor;
  app: App;
  /** The origin of the app's App URL: panels and modals must be pages of it. */
  appOrigin: string;
  user: UserRow;
  board: BoardView;
  params: unknown;
}

interface MethodDefinition {
  /** The REST API's rate-limit level of the same work (wire spec §5.2): the SDK spends the same budget. */
  level: RateLimitLevel;
  params: TSchema;
  handle(call: SdkCall): Promise<unknown>;
}

const NoParams = Type.Object({}, closed);
const ById = Type.Object({ id: ItemId }, closed);
const OneOrMany = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Array(schema, { maxItems: 1000 })]);
const Filter = Type.Object(
  {
    type: Type.Optional(OneOrMany(Type.String({ maxLength: 40 }))),
    id: Type.Optional(OneOrMany(ItemId)),
    tags: Type.Optional(OneOrMany(Type.String({ maxLength: 120 }))),
  },
  closed,
);
const SyncParams = Type.Composite([Type.Object({ id: ItemId }), ItemChangesSchema], closed);
const Subscribe = Type.Object(
  { events: Type.Array(StringEnum(SDK_EVENTS), { minItems: 1, maxItems: SDK_EVENTS.length }) },
  closed,
);
const Rect = Type.Object(
  { x: Coordinate, y: Coordinate, width: Type.Number({ minimum: 1 }), height: Type.Number({ minimum: 1 }) },
  closed,
);
const Offset = Type.Object(
  {
    top: Type.Optional(Type.Number()),
    left: Type.Optional(Type.Number()),
    bottom: Type.Optional(Type.Number()),
    right: Type.Optional(Type.Number()),
  },
  closed,
);
const ViewportSet = Type.Object(
  { viewport: Rect, padding: Type.Optional(Offset), animationDurationInMs: Type.Optional(Type.Number({ minimum: 0 })) },
  closed,
);
/** Items by id, one or many (`zoomTo`, `bringToFront`, `sendToBack`). */
const ZoomTo = Type.Object({ id: OneOrMany(ItemId) }, closed);
const SetZoom = Type.Object({ zoomLevel: Type.Number({ minimum: 0.01, maximum: 100 }) }, closed);
const Message = Type.Object({ message: Type.String({ minLength: 1, maxLength: 80 }) }, closed);
const Notification = Type.Object(
  { type: StringEnum(['info', 'error']), message: Type.String({ minLength: 1, maxLength: 80 }) },
  closed,
);
/** Miro's `openPanel`: the host has made `url` absolute against the calling page's address. */
const OpenPanel = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    height: Type.Optional(Type.Number({ minimum: 1, maximum: 10_000 })),
    data: Type.Optional(Type.Unknown()),
  },
  closed,
);
const OpenModal = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    width: Type.Optional(Type.Number({ minimum: 1, maximum: 10_000 })),
    height: Type.Optional(Type.Number({ minimum: 1, maximum: 10_000 })),
    fullscreen: Type.Optional(Type.Boolean()),
    data: Type.Optional(Type.Unknown()),
  },
  closed,
);
const MetadataKey = Type.String({ minLength: 1, maxLength: 100 });
const GetMetadata = Type.Object({ id: ItemId, key: Type.Optional(MetadataKey) }, closed);
const SetMetadata = Type.Object({ id: ItemId, key: MetadataKey, value: Type.Unknown() }, closed);
const GetAppData = Type.Object({ key: Type.Optional(MetadataKey) }, closed);
const SetAppData = Type.Object({ key: MetadataKey, value: Type.Unknown() }, closed);
/** Miro answers one key's value (undefined when unset) or, without a key, everything. */
const pick = (data: Record<string, unknown>, key: string | undefined) =>
  key === undefined ? data : (data[key] ?? null);
const Result = Type.Object({ result: Type.Optional(Type.Unknown()) }, closed);

const asList = (value: string | string[] | undefined) =>
  value === undefined ? undefined : new Set(Array.isArray(value) ? value : [value]);

type ItemFilter = { type?: string | string[]; id?: string | string[]; tags?: string | string[] };

/** A panel or modal page must be a page of the app's own origin (the bridge talks to no other). */
function sameOrigin(method: string, url: string, appOrigin: string): void {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new ValidationError(`Method '${method}': url is not a valid address.`, 'url');
  }
  if (origin !== appOrigin) {
    throw new ValidationError(`Method '${method}': url must be a page of the app's origin, ${appOrigin}.`, 'url');
  }
}

/** A method the board page carries out itself, once the server agreed: it answers with the checked params. */
const onThePage = (params: TSchema, level: RateLimitLevel = 1): MethodDefinition => ({
  level,
  params,
  async handle({ params }) {
    return params;
  },
});

/** What each SDK method does, on the domain services; board roles apply as they do for the REST API. */
export function sdkMethods({ services, config, clock }: AppContext): Record<SdkMethod, MethodDefinition> {
  const items = sdkItems(services);
  /**
   * The items that match Miro's filter (`type`, `id`, `tags` as tag ids), all when it is empty. As
   * in Miro, `get()` answers the board's tags too, unless the filter leaves them out (a type other
   * than `tag`, or a tag filter: tags carry no tags); the selection never holds tags.
   */
  async function filtered(
    actor: Actor,
    boardId: string,
    filter: ItemFilter,
    withTags = false,
  ): Promise<(SdkItem | SdkTag)[]> {
    const types = asList(filter.type);
    let ids = asList(filter.id);
    const tags = asList(filter.tags);
    const boardTags =
      withTags && (!types || types.has('tag')) && !tags
        ? (await items.tags(actor, boardId)).filter((tag) => !ids || ids.has(tag.id))
        : [];
    if (tags) {
      const tagged = new Set<string>();
      for (const tagId of tags) {
        const { items: rows } = await services.tags.items(actor, boardId, tagId, 1000, 0);
        for (const row of rows) if (!ids || ids.has(row.id)) tagged.add(row.id);
      }
      ids = tagged;
    }
    const found = (await items.list(actor, boardId)).filter(
      (item) => (!types || types.has(item.type)) && (!ids || ids.has(item.id)),
    );
    return [...found, ...boardTags];
  }
  const byIds = async (actor: Actor, boardId: string, ids: Set<string>) =>
    (await items.list(actor, boardId)).filter((item) => ids.has(item.id));
  /** `bringToFront(items)` / `sendToBack(items)`: answers the ids moved, for the board page to redraw. */
  const restack = (edge: 'front' | 'back'): MethodDefinition => ({
    level: 2,
    params: ZoomTo,
    async handle({ actor, board, params }) {
      const { id } = params as { id: string | string[] };
      const ids = Array.isArray(id) ? id : [id];
      await services.items.restack(actor, board.id, ids, edge);
      return { id: ids };
    },
  });
  const create = (type: Exclude<SdkItemType, 'sticky_note'>, params: TSchema): MethodDefinition => ({
    level: 2,
    params,
    async handle({ actor, board, params }) {
      return items.create(actor, board.id, type, params as ItemChangesProps);
    },
  });
  return {
    getIdToken: {
      level: 1,
      params: NoParams,
      async handle({ app, actor }) {
        const secret = services.apps.revealSecret(app);
        if (secret === undefined) {
          throw new ForbiddenError(`${app.name} is a public app: it has no client secret to sign id tokens with.`);
        }
        return signIdToken(
          {
            issuer: config.idTokenIssuer,
            clientId: app.id,
            teamId: actor.teamId,
            userId: actor.userId,
            now: clock.now(),
          },
          secret,
        );
      },
    },
    getUserInfo: {
      level: 1,
      params: NoParams,
      async handle({ user }) {
        return { id: user.id, name: user.name, email: user.email };
      },
    },
    getInfo: {
      level: 1,
      params: NoParams,
      async handle({ board }) {
        return {
          id: board.id,
          locale: 'en',
          createdAt: new Date(board.created_at).toISOString(),
          updatedAt: new Date(board.modified_at).toISOString(),
        };
      },
    },
    getOnlineUsers: {
      level: 1,
      params: NoParams,
      // Grantboard does not track presence: the one user known to be on the board is the caller.
      async handle({ user }) {
        return [{ id: user.id, name: user.name }];
      },
    },
    get: {
      level: 2,
      params: Filter,
      async handle({ actor, board, params }) {
        return filtered(actor, board.id, params as ItemFilter, true);
      },
    },
    getById: {
      level: 1,
      params: ById,
      async handle({ actor, board, params }) {
        return items.get(actor, board.id, (params as { id: string }).id);
      },
    },
    getSelection: {
      level: 2,
      // The board page sends the ids the user has selected; the server reads the items itself.
      params: Type.Object({ id: Type.Array(ItemId, { maxItems: 1000 }) }, closed),
      async handle({ actor, board, params }) {
        return byIds(actor, board.id, new Set((params as { id: string[] }).id));
      },
    },
    select: {
      level: 2,
      params: Filter,
      async handle({ actor, board, params }) {
        return filtered(actor, board.id, params as ItemFilter);
      },
    },
    deselect: {
      level: 2,
      params: Filter,
      async handle({ actor, board, params }) {
        return filtered(actor, board.id, params as ItemFilter);
      },
    },
    subscribe: {
      level: 1,
      params: Subscribe,
      async handle({ params }) {
        return { events: [...new Set((params as { events: string[] }).events)] };
      },
    },
    createStickyNote: {
      level: 2,
      params: StickyNoteProps,
      async handle({ actor, board, params }) {
        return items.createStickyNote(actor, board.id, params as StickyNotePropsType);
      },
    },
    createText: create('text', TextProps),
    createShape: create('shape', ShapeProps),
    createFrame: create('frame', FrameProps),
    createCard: create('card', CardProps),
    createAppCard: create('app_card', AppCardProps),
    createImage: create('image', ImageProps),
    createEmbed: create('embed', EmbedProps),
    createConnector: {
      level: 2,
      params: ConnectorProps,
      async handle({ actor, board, params }) {
        return items.createConnector(actor, board.id, params as ConnectorPropsType);
      },
    },
    bringToFront: restack('front'),
    sendToBack: restack('back'),
    createTag: {
      level: 1,
      params: TagProps,
      async handle({ actor, board, params }) {
        return items.createTag(actor, board.id, params as TagPropsType);
      },
    },
    sync: {
      level: 2,
      params: SyncParams,
      async handle({ actor, board, params }) {
        const { id, ...changes } = params as { id: string } & ItemChangesProps;
        return items.update(actor, board.id, id, changes);
      },
    },
    remove: {
      level: 3,
      params: ById,
      async handle({ actor, board, params }) {
        await items.remove(actor, board.id, (params as { id: string }).id);
        return null;
      },
    },
    getMetadata: {
      level: 1,
      params: GetMetadata,
      async handle({ actor, board, params }) {
        const { id, key } = params as { id: string; key?: string };
        return pick(await services.appData.ofItem(actor, board.id, id), key);
      },
    },
    setMetadata: {
      level: 2,
      params: SetMetadata,
      async handle({ actor, board, params }) {
        const { id, key, value } = params as { id: string; key: string; value: unknown };
        return services.appData.setOnItem(actor, board.id, id, key, value);
      },
    },
    getAppData: {
      level: 1,
      params: GetAppData,
      async handle({ actor, board, params }) {
        return pick(await services.appData.ofBoard(actor, board.id), (params as { key?: string }).key);
      },
    },
    setAppData: {
      level: 2,
      params: SetAppData,
      async handle({ actor, board, params }) {
        const { key, value } = params as { key: string; value: unknown };
        return services.appData.setOnBoard(actor, board.id, key, value);
      },
    },
    'viewport.get': onThePage(NoParams),
    'viewport.set': onThePage(ViewportSet),
    'viewport.zoomTo': {
      level: 1,
      params: ZoomTo,
      async handle({ actor, board, params }) {
        const { id } = params as { id: string | string[] };
        const found = await byIds(actor, board.id, new Set(Array.isArray(id) ? id : [id]));
        if (found.length === 0) throw new NotFoundError('None of the items to zoom to is on the board.');
        return found;
      },
    },
    'viewport.getZoom': onThePage(NoParams),
    'viewport.setZoom': onThePage(SetZoom),
    'notifications.showInfo': onThePage(Message),
    'notifications.showError': onThePage(Message),
    'notifications.show': onThePage(Notification),
    'ui.openPanel': {
      level: 1,
      params: OpenPanel,
      async handle({ params, appOrigin }) {
        sameOrigin('openPanel', (params as { url: string }).url, appOrigin);
        return params;
      },
    },
    'ui.closePanel': onThePage(Result),
    'ui.getPanelData': onThePage(NoParams),
    'ui.canOpenPanel': onThePage(NoParams),
    'ui.openModal': {
      level: 1,
      params: OpenModal,
      async handle({ params, appOrigin }) {
        sameOrigin('openModal', (params as { url: string }).url, appOrigin);
        return params;
      },
    },
    'ui.closeModal': onThePage(Result),
    'ui.getModalData': onThePage(NoParams),
    'ui.canOpenModal': onThePage(NoParams),
  };
}

const compiled = new WeakMap<TSchema, ReturnType<typeof TypeCompiler.Compile>>();

/** Checks a call's parameters against the method's schema; the first problem becomes a sentence. */
export function checkParams(method: string, schema: TSchema, params: unknown): void {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(params)) return;
  const first = check.Errors(params).First();
  const field = first?.path ? first.path.slice(1).replaceAll('/', '.') : 'its argument';
  const problem =
    first?.message === 'Unexpected property' ? 'is not a known property' : (first?.message ?? 'is not valid');
  throw new ValidationError(`Method '${method}': ${field} ${problem.replace(/^Expected/, 'expected')}.`, field);
}
