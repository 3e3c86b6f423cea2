import { SDK_EVENTS, type SdkMethod } from '@grantboard/protocol';
import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { RateLimitLevel } from '../api/route.js';
import { closed, ItemId, StringEnum } from '../api/schemas/common.js';
import type { AppContext } from '../app-context.js';
import type { Actor } from '../domain/board-roles.js';
import { ForbiddenError, ValidationError } from '../domain/errors.js';
import type { App, BoardView, UserRow } from '../domain/model.js';
import { signIdToken } from './id-token.js';
import { ItemChangesProps, StickyNoteProps, type StickyNoteProps as StickyNotePropsType, sdkItems } from './items.js';

/** One Web SDK call that passed the host's checks: the installation exists and holds the method's scope. */
export interface SdkCall {
  actor: Actor;
  app: App;
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
const GetFilter = Type.Object(
  { type: Type.Optional(OneOrMany(Type.String({ maxLength: 40 }))), id: Type.Optional(OneOrMany(ItemId)) },
  closed,
);
const SyncParams = Type.Composite([Type.Object({ id: ItemId }), ItemChangesProps], closed);
const Subscribe = Type.Object({ events: Type.Array(StringEnum(SDK_EVENTS), { minItems: 1, maxItems: 3 }) }, closed);

const asList = (value: string | string[] | undefined) =>
  value === undefined ? undefined : new Set(Array.isArray(value) ? value : [value]);

/** What each SDK method does, on the domain services; board roles apply as they do for the REST API. */
export function sdkMethods({ services, config, clock }: AppContext): Record<SdkMethod, MethodDefinition> {
  const items = sdkItems(services);
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
    get: {
      level: 2,
      params: GetFilter,
      async handle({ actor, board, params }) {
        const filter = params as { type?: string | string[]; id?: string | string[] };
        const types = asList(filter.type);
        const ids = asList(filter.id);
        return (await items.list(actor, board.id)).filter(
          (item) => (!types || types.has(item.type)) && (!ids || ids.has(item.id)),
        );
      },
    },
    getById: {
      level: 1,
      params: ById,
      async handle({ actor, board, params }) {
        return items.get(actor, board.id, (params as { id: string }).id);
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
    sync: {
      level: 2,
      params: SyncParams,
      async handle({ actor, board, params }) {
        const { id, ...changes } = params as { id: string } & Record<string, unknown>;
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
