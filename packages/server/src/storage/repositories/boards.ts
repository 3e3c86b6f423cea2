import { type Expression, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type { BoardRole, BoardsTable, ItemsTable, Tables } from '../schema.js';

export type BoardRow = Selectable<BoardsTable>;
type ItemRow = Selectable<ItemsTable>;

/** A board with the names it is shown with and the reading user's standing on it. */
export interface BoardView extends BoardRow {
  team_name: string;
  owner_name: string;
  created_by_name: string;
  modified_by_name: string;
  last_opened_by_name: string | null;
  /** The user's explicit board membership, if any. */
  member_role: BoardRole | null;
  /** Whether the user belongs to the board's team (team access then applies). */
  team_member: boolean;
  /** The reading user's name, for `currentUserMembership`. */
  reader_name: string | null;
}

export type BoardSort = 'default' | 'last_modified' | 'last_opened' | 'last_created' | 'alphabetically';

export interface BoardListQuery {
  teamId: string;
  userId: string;
  /** Case-insensitive substring of the name. */
  query?: string | undefined;
  ownerId?: string | undefined;
  sort: BoardSort;
  limit: number;
  offset: number;
}

export type BoardChanges = Partial<
  Pick<BoardRow, 'name' | 'description' | 'policy' | 'team_access' | 'modified_by' | 'modified_at'>
>;

/** Rows copied per INSERT when a board is copied: well under SQLite's bound-parameter limit. */
const COPY_CHUNK = 200;

/** `%`, `_` and `\` match themselves in a LIKE pattern built from user input. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function boardsRepository(db: Kysely<Tables>) {
  /** Boards joined with the names and the user's standing; `userId` is the reader. */
  function views(userId: string) {
    return db
      .selectFrom('boards as b')
      .innerJoin('teams as t', 't.id', 'b.team_id')
      .innerJoin('users as owner', 'owner.id', 'b.owner_id')
      .innerJoin('users as creator', 'creator.id', 'b.created_by')
      .innerJoin('users as modifier', 'modifier.id', 'b.modified_by')
      .leftJoin('users as opener', 'opener.id', 'b.last_opened_by')
      .leftJoin('board_members as m', (join) => join.onRef('m.board_id', '=', 'b.id').on('m.user_id', '=', userId))
      .leftJoin('team_members as tm', (join) =>
        join.onRef('tm.team_id', '=', 'b.team_id').on('tm.user_id', '=', userId),
      )
      .selectAll('b')
      .select([
        't.name as team_name',
        'owner.name as owner_name',
        'creator.name as created_by_name',
        'modifier.name as modified_by_name',
        'opener.name as last_opened_by_name',
        'm.role as member_role',
        'tm.user_id as team_member_id',
      ])
      .select((eb) => eb.selectFrom('users').select('name').where('id', '=', userId).as('reader_name'));
  }

  function toView(row: BoardRow & Omit<BoardView, keyof BoardRow | 'team_member'> & { team_member_id: string | null }) {
    const { team_member_id, ...rest } = row;
    return { ...rest, team_member: team_member_id !== null } satisfies BoardView;
  }

  return {
    /** Stores a new board with its creator as owner, in one transaction. */
    async create(board: BoardRow): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('boards').values(board).execute();
        await trx
          .insertInto('board_members')
          .values({ board_id: board.id, user_id: board.owner_id, role: 'owner', created_at: board.created_at })
          .execute();
      });
    },

    /** A board as `userId` sees it, whatever the user's access (the domain judges that). */
    async findView(boardId: string, userId: string): Promise<BoardView | undefined> {
      const row = await views(userId).where('b.id', '=', boardId).executeTakeFirst();
      return row && toView(row);
    },

    /**
     * One page of the boards of a team the user can open: boards the user is a member of, and boards
     * open to the team when the user is in it. Ordered with the id as tie-break, so offsets are stable.
     */
    async list(q: BoardListQuery): Promise<{ rows: BoardView[]; total: number }> {
      const visible = (query: ReturnType<typeof views>) =>
        query.where((eb) => {
          const filters: Expression<SqlBool>[] = [
            eb('b.team_id', '=', q.teamId),
            eb.or([
              eb('m.role', 'is not', null),
              eb.and([eb('b.team_access', '!=', 'private'), eb('tm.user_id', 'is not', null)]),
            ]),
          ];
          if (q.ownerId !== undefined) filters.push(eb('b.owner_id', '=', q.ownerId));
          if (q.query !== undefined && q.query !== '')
            filters.push(sql<SqlBool>`lower(b.name) like ${likePattern(q.query)} escape '\\'`);
          return eb.and(filters);
        });
      const counted = await visible(views(q.userId))
        .clearSelect()
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      let page = visible(views(q.userId));
      switch (q.sort) {
        case 'alphabetically':
          page = page.orderBy(sql`lower(b.name)`).orderBy('b.name').orderBy('b.id');
          break;
        case 'last_modified':
          page = page.orderBy('b.modified_at', 'desc').orderBy('b.id', 'desc');
          break;
        case 'last_opened':
          page = page.orderBy(sql`coalesce(b.last_opened_at, 0)`, 'desc').orderBy('b.id', 'desc');
          break;
        default:
          page = page.orderBy('b.created_at', 'desc').orderBy('b.id', 'desc');
      }
      const rows = await page.limit(q.limit).offset(q.offset).execute();
      return { rows: rows.map(toView), total: Number(counted.count) };
    },

    /** Every board of a team, whoever may see it (fixtures export). */
    ofTeam(teamId: string): Promise<BoardRow[]> {
      return db
        .selectFrom('boards')
        .selectAll()
        .where('team_id', '=', teamId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    async update(boardId: string, changes: BoardChanges): Promise<void> {
      await db.updateTable('boards').set(changes).where('id', '=', boardId).execute();
    },

    /** Deletes a board with its members and items (foreign keys cascade). */
    async delete(boardId: string): Promise<boolean> {
      const result = await db.deleteFrom('boards').where('id', '=', boardId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /**
     * Copies a board's items, connectors and groups onto a new board in one transaction. `newItemId`
     * names each copy; parents, connector ends and group members are mapped to the copies, so frames
     * keep their children and lines their items.
     */
    async copy(sourceId: string, board: BoardRow, newItemId: () => string): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('boards').values(board).execute();
        await trx
          .insertInto('board_members')
          .values({ board_id: board.id, user_id: board.owner_id, role: 'owner', created_at: board.created_at })
          .execute();
        const items = await trx
          .selectFrom('items')
          .selectAll()
          .where('board_id', '=', sourceId)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        const ids = new Map(items.map((item) => [item.id, newItemId()]));
        const copies: ItemRow[] = items.map((item) => ({
          ...item,
          id: ids.get(item.id)!,
          board_id: board.id,
          parent_id: item.parent_id === null ? null : (ids.get(item.parent_id) ?? null),
          // The copies keep their creation (and so their order); the copy is their latest change.
          modified_by: board.created_by,
          modified_at: board.created_at,
        }));
        // Parents first: a frame must exist before the items that reference it.
        copies.sort((a, b) => Number(a.parent_id !== null) - Number(b.parent_id !== null));
        for (let i = 0; i < copies.length; i += COPY_CHUNK) {
          await trx
            .insertInto('items')
            .values(copies.slice(i, i + COPY_CHUNK))
            .execute();
        }
        // Connectors and groups follow their items onto the copy.
        const connectors = await trx.selectFrom('connectors').selectAll().where('board_id', '=', sourceId).execute();
        const lines = connectors.map((line) => ({
          ...line,
          id: newItemId(),
          board_id: board.id,
          start_item_id: ids.get(line.start_item_id)!,
          end_item_id: ids.get(line.end_item_id)!,
          modified_by: board.created_by,
          modified_at: board.created_at,
        }));
        for (let i = 0; i < lines.length; i += COPY_CHUNK) {
          await trx
            .insertInto('connectors')
            .values(lines.slice(i, i + COPY_CHUNK))
            .execute();
        }
        const groups = await trx.selectFrom('item_groups').selectAll().where('board_id', '=', sourceId).execute();
        const groupIds = new Map(groups.map((group) => [group.id, newItemId()]));
        if (groups.length > 0) {
          await trx
            .insertInto('item_groups')
            .values(groups.map((group) => ({ ...group, id: groupIds.get(group.id)!, board_id: board.id })))
            .execute();
          const members = await trx.selectFrom('group_items').selectAll().where('board_id', '=', sourceId).execute();
          const copied = members.map((member) => ({
            ...member,
            item_id: ids.get(member.item_id)!,
            board_id: board.id,
            group_id: groupIds.get(member.group_id)!,
          }));
          for (let i = 0; i < copied.length; i += COPY_CHUNK) {
            await trx
              .insertInto('group_items')
              .values(copied.slice(i, i + COPY_CHUNK))
              .execute();
          }
        }
        return copies.length;
      });
    },
  };
}
