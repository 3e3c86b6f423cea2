import type { Kysely, Selectable } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors.js';
import type { ConnectorsTable, Tables } from '../schema.js';
import type { ItemCursor } from './items.js';

/** Where a connector meets an item: a side to snap to, or a point in percent of the item's box. */
export interface ConnectorEnd {
  itemId: string;
  snapTo?: string;
  position?: { x: string; y: string };
}

export interface ConnectorCaption {
  content: string;
  position?: string;
  textAlignVertical?: string;
}

/** A connector as the domain sees it. */
export interface Connector {
  id: string;
  boardId: string;
  start: ConnectorEnd;
  end: ConnectorEnd;
  shape: string;
  captions: ConnectorCaption[];
  style: Record<string, string>;
  createdBy: string;
  createdAt: number;
  modifiedBy: string;
  modifiedAt: number;
}

type Point = Omit<ConnectorEnd, 'itemId'>;

const toConnector = (row: Selectable<ConnectorsTable>): Connector => ({
  id: row.id,
  boardId: row.board_id,
  start: { itemId: row.start_item_id, ...(JSON.parse(row.start_point) as Point) },
  end: { itemId: row.end_item_id, ...(JSON.parse(row.end_point) as Point) },
  shape: row.shape,
  captions: JSON.parse(row.captions) as ConnectorCaption[],
  style: JSON.parse(row.style) as Record<string, string>,
  createdBy: row.created_by,
  createdAt: row.created_at,
  modifiedBy: row.modified_by,
  modifiedAt: row.modified_at,
});

const point = ({ itemId: _, ...rest }: ConnectorEnd) => JSON.stringify(rest);

function toRow(connector: Connector): Selectable<ConnectorsTable> {
  return {
    id: connector.id,
    board_id: connector.boardId,
    start_item_id: connector.start.itemId,
    end_item_id: connector.end.itemId,
    start_point: point(connector.start),
    end_point: point(connector.end),
    shape: connector.shape,
    captions: JSON.stringify(connector.captions),
    style: JSON.stringify(connector.style),
    created_by: connector.createdBy,
    created_at: connector.createdAt,
    modified_by: connector.modifiedBy,
    modified_at: connector.modifiedAt,
  };
}

export function connectorsRepository(db: Kysely<Tables>) {
  return {
    /**
     * Stores a connector; false when an end item is not (or no longer) on the board. The foreign
     * keys from (board, item) to the items make that the database's check: an item deleted while
     * the connector is being added either takes the connector with it or makes the insert fail,
     * so no connector ever points at nothing, in one process or many.
     */
    async create(connector: Connector): Promise<boolean> {
      try {
        await db.insertInto('connectors').values(toRow(connector)).execute();
        return true;
      } catch (error) {
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },

    async find(boardId: string, id: string): Promise<Connector | undefined> {
      const row = await db
        .selectFrom('connectors')
        .selectAll()
        .where('board_id', '=', boardId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toConnector(row);
    },

    /** Writes the connector as given; 'missing' when it is gone, 'gone' when a new end item is. */
    async replace(connector: Connector): Promise<'ok' | 'missing' | 'gone'> {
      const { id, board_id, created_by, created_at, ...changes } = toRow(connector);
      try {
        const result = await db
          .updateTable('connectors')
          .set(changes)
          .where('board_id', '=', board_id)
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n ? 'ok' : 'missing';
      } catch (error) {
        if (isForeignKeyViolation(error)) return 'gone';
        throw error;
      }
    },

    async delete(boardId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('connectors')
        .where('board_id', '=', boardId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** Up to `limit` connectors of a board in creation order, after the cursor. */
    async page(boardId: string, after: ItemCursor | undefined, limit: number): Promise<Connector[]> {
      let query = db.selectFrom('connectors').selectAll().where('board_id', '=', boardId);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(toConnector);
    },

    async count(boardId: string): Promise<number> {
      const row = await db
        .selectFrom('connectors')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('board_id', '=', boardId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
