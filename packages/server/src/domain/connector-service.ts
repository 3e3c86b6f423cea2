import { numericId } from '../lib/ids.js';
import type { Connector, ConnectorCaption, ConnectorEnd } from '../storage/repositories/connectors.js';
import { type Actor, requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import { decodeCursor, encodeCursor } from './item-service.js';
import { ITEM_RULES, type ItemType } from './item-types.js';
import type { ServiceContext } from './service-context.js';

/** One end of a connector as a request gives it. */
export interface ConnectorEndInput {
  id?: string;
  snapTo?: string;
  position?: { x: string; y: string };
}

export interface ConnectorInput {
  startItem?: ConnectorEndInput;
  endItem?: ConnectorEndInput;
  shape?: string;
  captions?: ConnectorCaption[];
  style?: Record<string, string>;
}

/** Miro's defaults for a new connector (spec.json `ConnectorStyle`, `Caption`). */
const DEFAULT_STYLE = {
  color: '#1a1a1a',
  endStrokeCap: 'stealth',
  fontSize: '14',
  startStrokeCap: 'none',
  strokeColor: '#000000',
  strokeStyle: 'normal',
  strokeWidth: '1.0',
  textOrientation: 'aligned',
};

const withCaptionDefaults = (caption: ConnectorCaption): ConnectorCaption => ({
  position: '50%',
  textAlignVertical: 'middle',
  ...caption,
});

/**
 * The point of a requested end: Miro takes `position` or `snapTo`, never both, and snaps
 * automatically when neither is given.
 */
function pointOf(
  name: 'startItem' | 'endItem',
  end: ConnectorEndInput,
  current?: ConnectorEnd,
): Omit<ConnectorEnd, 'itemId'> {
  if (end.position !== undefined && end.snapTo !== undefined) {
    throw new ValidationError(`Set either ${name}.position or ${name}.snapTo, not both.`, name);
  }
  if (end.position !== undefined) return { position: end.position };
  if (end.snapTo !== undefined) return { snapTo: end.snapTo };
  if (current !== undefined && end.id === undefined) {
    return current.position ? { position: current.position } : { snapTo: current.snapTo ?? 'auto' };
  }
  return { snapTo: 'auto' };
}

export interface ConnectorPage {
  connectors: Connector[];
  total: number;
  cursor: string | undefined;
}

/** Connectors between items of a board: reading needs a viewer, writing an editor. */
export function connectorService({ repos, clock }: ServiceContext, boards: BoardService) {
  async function edit(actor: Actor, boardId: string, action: string) {
    requireRole(await boards.open(actor, boardId), 'editor', action);
  }

  /** Both ends are items of the board that take connectors, and not the same item. */
  async function checkEnds(boardId: string, startId: string, endId: string): Promise<void> {
    if (startId === endId) {
      throw new ValidationError(
        'A connector joins two different items: startItem.id and endItem.id are the same.',
        'endItem.id',
      );
    }
    for (const [name, id] of [
      ['startItem', startId],
      ['endItem', endId],
    ] as const) {
      const item = await repos.items.find(boardId, id);
      if (!item) throw new ValidationError(`${name}.id: item ${id} is not on this board.`, `${name}.id`);
      if (ITEM_RULES[item.type as ItemType]?.connectable === false) {
        throw new ValidationError(`${name}.id: a connector cannot end at a ${item.type}.`, `${name}.id`);
      }
    }
  }

  async function find(boardId: string, id: string): Promise<Connector> {
    const connector = await repos.connectors.find(boardId, id);
    if (!connector) throw new NotFoundError(`Connector ${id} was not found on this board.`);
    return connector;
  }

  const gone = () => new NotFoundError('An item the connector ends at was deleted meanwhile.');

  return {
    async create(
      actor: Actor,
      boardId: string,
      input: ConnectorInput & Required<Pick<ConnectorInput, 'startItem' | 'endItem'>>,
    ) {
      await edit(actor, boardId, 'add connectors');
      const startId = input.startItem.id;
      const endId = input.endItem.id;
      if (startId === undefined) throw new ValidationError('startItem.id is required.', 'startItem.id');
      if (endId === undefined) throw new ValidationError('endItem.id is required.', 'endItem.id');
      const start = { itemId: startId, ...pointOf('startItem', input.startItem) };
      const end = { itemId: endId, ...pointOf('endItem', input.endItem) };
      await checkEnds(boardId, startId, endId);
      const now = clock.now();
      const connector: Connector = {
        id: numericId(),
        boardId,
        start,
        end,
        shape: input.shape ?? 'curved',
        captions: (input.captions ?? []).map(withCaptionDefaults),
        style: { ...DEFAULT_STYLE, ...input.style },
        createdBy: actor.userId,
        createdAt: now,
        modifiedBy: actor.userId,
        modifiedAt: now,
      };
      if (!(await repos.connectors.create(connector))) throw gone();
      return connector;
    },

    async get(actor: Actor, boardId: string, id: string): Promise<Connector> {
      await boards.open(actor, boardId);
      return find(boardId, id);
    },

    /** Changes only what the request names; captions, when sent, replace the old ones. */
    async update(actor: Actor, boardId: string, id: string, input: ConnectorInput): Promise<Connector> {
      await edit(actor, boardId, 'change connectors');
      const current = await find(boardId, id);
      const start = input.startItem
        ? {
            itemId: input.startItem.id ?? current.start.itemId,
            ...pointOf('startItem', input.startItem, current.start),
          }
        : current.start;
      const end = input.endItem
        ? { itemId: input.endItem.id ?? current.end.itemId, ...pointOf('endItem', input.endItem, current.end) }
        : current.end;
      if (input.startItem?.id !== undefined || input.endItem?.id !== undefined) {
        await checkEnds(boardId, start.itemId, end.itemId);
      }
      const updated: Connector = {
        ...current,
        start,
        end,
        shape: input.shape ?? current.shape,
        captions: input.captions ? input.captions.map(withCaptionDefaults) : current.captions,
        style: { ...current.style, ...input.style },
        modifiedBy: actor.userId,
        modifiedAt: clock.now(),
      };
      const written = await repos.connectors.replace(updated);
      if (written === 'missing') throw new NotFoundError(`Connector ${id} was not found on this board.`);
      if (written === 'gone') throw gone();
      return updated;
    },

    async delete(actor: Actor, boardId: string, id: string): Promise<void> {
      await edit(actor, boardId, 'delete connectors');
      if (!(await repos.connectors.delete(boardId, id))) {
        throw new NotFoundError(`Connector ${id} was not found on this board.`);
      }
    },

    /** One page in creation order, with the same cursors as items. */
    async list(
      actor: Actor,
      boardId: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<ConnectorPage> {
      const after = options.cursor === undefined || options.cursor === '' ? undefined : decodeCursor(options.cursor);
      await boards.open(actor, boardId);
      const rows = await repos.connectors.page(boardId, after, options.limit + 1);
      const connectors = rows.slice(0, options.limit);
      const last = connectors.at(-1);
      return {
        connectors,
        total: await repos.connectors.count(boardId),
        cursor:
          rows.length > options.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : undefined,
      };
    },
  };
}

export type ConnectorService = ReturnType<typeof connectorService>;
