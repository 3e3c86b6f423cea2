import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { Actor } from '../domain/board-roles.js';
import type { ItemType } from '../domain/item-types.js';
import type { ItemRow } from '../domain/model.js';
import type { Services } from '../domain/services.js';

/** Miro's rate-limit levels (ARCHITECTURE.md decision 13), as the REST routes doing the same spend. */
export type ToolLevel = 1 | 2 | 3;

/** One MCP tool: the scope it needs, the credits it spends, its input and what it does as the actor. */
export interface BoardTool {
  name: string;
  title: string;
  description: string;
  scope: 'boards:read' | 'boards:write';
  level: ToolLevel;
  input: z.ZodRawShape;
  run(services: Services, actor: Actor, args: Record<string, unknown>): Promise<string>;
}

const boardId = z.string().min(1).max(100).describe('The board id, as list_boards shows it');
const itemId = z.string().min(1).max(40).describe('The item id, as get_board_items shows it');
const coordinate = z.number().finite().min(-1e7).max(1e7);
const content = z.string().max(6000);

function describeItem(item: ItemRow): string {
  const data = JSON.parse(item.data) as Record<string, unknown>;
  const text =
    typeof data.content === 'string' ? ` "${data.content}"` : typeof data.title === 'string' ? ` "${data.title}"` : '';
  const shape = typeof data.shape === 'string' && item.type === 'shape' ? ` ${data.shape}` : '';
  const parent = item.parent_id ? ` in frame ${item.parent_id}` : '';
  return `- ${item.type}${shape} ${item.id}${text} at (${item.position_x}, ${item.position_y})${parent}`;
}

async function listBoards(services: Services, actor: Actor, query: string | undefined, limit: number) {
  const { boards, total } = await services.boards.list(actor, { query, limit, offset: 0 });
  if (boards.length === 0) return query ? `No board matches "${query}".` : 'There are no boards in this team.';
  const lines = boards.map(({ board, role }) => `- ${board.name} (id ${board.id}, your role: ${role})`);
  return `${total} board${total === 1 ? '' : 's'}${query ? ` matching "${query}"` : ''}; showing ${boards.length}:\n${lines.join('\n')}`;
}

function created(item: ItemRow): string {
  return `Created ${item.type.replace('_', ' ')} ${item.id} on board ${item.board_id} at (${item.position_x}, ${item.position_y}).`;
}

const createItem =
  (type: ItemType, data: (args: Record<string, unknown>) => Record<string, unknown>) =>
  async (services: Services, actor: Actor, args: Record<string, unknown>) =>
    created(
      await services.items.create(actor, args.boardId as string, type, {
        data: data(args),
        ...(args.color === undefined ? {} : { style: { fillColor: args.color } }),
        position: { x: (args.x as number | undefined) ?? 0, y: (args.y as number | undefined) ?? 0 },
        ...(args.width === undefined ? {} : { geometry: { width: args.width as number } }),
      }),
    );

/** The board tools; each acts through the domain services, as the token's user in the token's team. */
export const BOARD_TOOLS: BoardTool[] = [
  {
    name: 'list_boards',
    title: 'List boards',
    description: 'Lists the boards of the team this agent was authorized for that the user can open, newest first.',
    scope: 'boards:read',
    level: 1,
    input: { limit: z.number().int().min(1).max(50).optional().describe('At most this many (default 20)') },
    run: (services, actor, args) => listBoards(services, actor, undefined, (args.limit as number | undefined) ?? 20),
  },
  {
    name: 'search_boards',
    title: 'Search boards',
    description: 'Finds boards of the team whose name or description contains the query.',
    scope: 'boards:read',
    level: 1,
    input: { query: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).optional() },
    run: (services, actor, args) =>
      listBoards(services, actor, args.query as string, (args.limit as number | undefined) ?? 20),
  },
  {
    name: 'get_board_items',
    title: 'Read a board',
    description:
      'Returns the items of a board as text: type, id, content and position, 50 at a time (pass the cursor for more).',
    scope: 'boards:read',
    level: 1,
    input: {
      boardId,
      type: z.enum(['sticky_note', 'text', 'shape', 'frame']).optional(),
      cursor: z.string().max(200).optional(),
    },
    async run(services, actor, args) {
      const page = await services.items.list(actor, args.boardId as string, {
        type: args.type as string | undefined,
        limit: 50,
        cursor: args.cursor as string | undefined,
      });
      if (page.items.length === 0) return 'The board has no items.';
      const more = page.cursor ? `\nMore items: call again with cursor "${page.cursor}".` : '';
      return `${page.total} item${page.total === 1 ? '' : 's'}:\n${page.items.map(describeItem).join('\n')}${more}`;
    },
  },
  {
    name: 'create_sticky_note',
    title: 'Add a sticky note',
    description: 'Adds a sticky note with the given text to a board.',
    scope: 'boards:write',
    level: 2,
    input: {
      boardId,
      content,
      x: coordinate.optional(),
      y: coordinate.optional(),
      color: z
        .enum([
          'gray',
          'light_yellow',
          'yellow',
          'orange',
          'light_green',
          'green',
          'cyan',
          'light_pink',
          'pink',
          'violet',
          'red',
          'light_blue',
          'blue',
          'dark_blue',
          'black',
        ])
        .optional(),
    },
    run: createItem('sticky_note', (args) => ({ content: args.content })),
  },
  {
    name: 'create_text',
    title: 'Add a text',
    description: 'Adds a free text item to a board.',
    scope: 'boards:write',
    level: 2,
    input: { boardId, content, x: coordinate.optional(), y: coordinate.optional() },
    run: createItem('text', (args) => ({ content: args.content })),
  },
  {
    name: 'create_shape',
    title: 'Add a shape',
    description: 'Adds a shape (rectangle, circle, triangle, …) with optional text to a board.',
    scope: 'boards:write',
    level: 2,
    input: {
      boardId,
      shape: z.string().min(1).max(40).optional().describe("Miro's shape name, e.g. rectangle, circle, triangle"),
      content: content.optional(),
      x: coordinate.optional(),
      y: coordinate.optional(),
      width: z.number().finite().min(8).max(1e6).optional(),
    },
    run: createItem('shape', (args) => ({
      shape: args.shape ?? 'rectangle',
      ...(args.content === undefined ? {} : { content: args.content }),
    })),
  },
  {
    name: 'update_item',
    title: 'Change an item’s text',
    description: 'Replaces the text of a sticky note, text or shape.',
    scope: 'boards:write',
    level: 2,
    input: { boardId, itemId, content },
    async run(services, actor, args) {
      const board = args.boardId as string;
      const item = await services.items.get(actor, board, args.itemId as string);
      if (item.type !== 'sticky_note' && item.type !== 'text' && item.type !== 'shape') {
        return `Item ${item.id} is a ${item.type}, which has no text to change.`;
      }
      await services.items.update(actor, board, item.id, item.type, { data: { content: args.content } });
      return `Updated the text of ${item.type.replace('_', ' ')} ${item.id}.`;
    },
  },
  {
    name: 'move_item',
    title: 'Move an item',
    description: 'Moves an item to a new position on its board.',
    scope: 'boards:write',
    level: 2,
    input: { boardId, itemId, x: coordinate, y: coordinate },
    async run(services, actor, args) {
      const item = await services.items.update(actor, args.boardId as string, args.itemId as string, undefined, {
        position: { x: args.x as number, y: args.y as number },
      });
      return `Moved ${item.type.replace('_', ' ')} ${item.id} to (${item.position_x}, ${item.position_y}).`;
    },
  },
  {
    name: 'delete_item',
    title: 'Delete an item',
    description: 'Deletes an item from a board.',
    scope: 'boards:write',
    level: 3,
    input: { boardId, itemId },
    async run(services, actor, args) {
      await services.items.delete(actor, args.boardId as string, args.itemId as string);
      return `Deleted item ${args.itemId as string}.`;
    },
  },
];

/** The tools a grant's scopes allow: the others are neither listed nor callable. */
export function toolsFor(scopes: readonly string[]): BoardTool[] {
  return BOARD_TOOLS.filter((tool) => scopes.includes(tool.scope));
}

export function textResult(text: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) };
}
