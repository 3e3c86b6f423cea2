import type { TokenContext } from '@grantboard/protocol';
import type {
  Board,
  BoardChanges,
  BoardsPage,
  Item,
  ItemsPage,
  ListBoardsQuery,
  ListItemsQuery,
  StickyNote,
  StickyNoteCreate,
} from './api-types.js';
import { InvalidResponse } from './errors.js';

/** Query parameters of a REST call; `undefined` values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** A JSON request on behalf of one user, as {@link GrantboardClient.requestJson} makes it. */
export type JsonRequester = (
  method: string,
  path: string,
  options?: { query?: QueryParams; body?: unknown },
) => Promise<unknown>;

/** Percent-encodes one path segment: board ids such as `uXjVOD6LSME=` contain reserved characters. */
export function segment(id: string): string {
  if (id === '') throw new TypeError('an id must not be empty');
  return encodeURIComponent(id);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asEntity<T extends { id: string; type: string }>(value: unknown, what: string): T {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.type !== 'string') {
    throw new InvalidResponse(`the API returned a ${what} without a string 'id' and 'type'`);
  }
  return value as T;
}

function asPage<T extends { data: unknown[] }>(value: unknown, what: string): T {
  if (!isRecord(value) || !Array.isArray(value.data)) {
    throw new InvalidResponse(`the API returned a page of ${what} without a 'data' array`);
  }
  for (const entry of value.data) asEntity(entry, what);
  return value as T;
}

function asTokenContext(value: unknown): TokenContext {
  const entity = (v: unknown) => isRecord(v) && typeof v.id === 'string';
  if (!isRecord(value) || !entity(value.user) || !entity(value.team)) {
    throw new InvalidResponse("the token context has no 'user' or 'team' with a string 'id'");
  }
  if (
    value.scopes !== undefined &&
    !(Array.isArray(value.scopes) && value.scopes.every((s) => typeof s === 'string'))
  ) {
    throw new InvalidResponse("the token context's 'scopes' is not an array of strings");
  }
  return value as unknown as TokenContext;
}

/**
 * Typed calls to the REST API v2 on behalf of one user: boards, sticky notes and items. Get one with
 * {@link GrantboardClient.as}. Every call gets a valid access token first and retries once with a
 * refreshed token after a 401; API errors raise {@link ApiError}.
 */
export class UserApi {
  readonly #request: JsonRequester;

  /** @internal Use {@link GrantboardClient.as}. */
  constructor(request: JsonRequester) {
    this.#request = request;
  }

  /** `GET /v1/oauth-token`: the token's user, team, organization and scopes. */
  async tokenContext(): Promise<TokenContext> {
    return asTokenContext(await this.#request('GET', '/v1/oauth-token'));
  }

  /** `GET /v2/boards`: one page of the boards the user can see (needs `boards:read`). */
  async listBoards(query: ListBoardsQuery = {}): Promise<BoardsPage> {
    return asPage<BoardsPage>(await this.#request('GET', '/v2/boards', { query: { ...query } }), 'boards');
  }

  /** Every board the user can see, page after page (offset pagination). */
  async *allBoards(query: Omit<ListBoardsQuery, 'offset'> = {}): AsyncGenerator<Board> {
    let offset = 0;
    for (;;) {
      const page = await this.listBoards({ ...query, offset });
      yield* page.data;
      offset += page.data.length;
      if (page.data.length === 0 || page.total === undefined || offset >= page.total) return;
    }
  }

  /** `GET /v2/boards/{id}` (needs `boards:read`). */
  async getBoard(boardId: string): Promise<Board> {
    return asEntity<Board>(await this.#request('GET', `/v2/boards/${segment(boardId)}`), 'board');
  }

  /** `POST /v2/boards` (needs `boards:write`). */
  async createBoard(changes: BoardChanges = {}): Promise<Board> {
    return asEntity<Board>(await this.#request('POST', '/v2/boards', { body: changes }), 'board');
  }

  /** `PATCH /v2/boards/{id}` (needs `boards:write`). */
  async updateBoard(boardId: string, changes: BoardChanges): Promise<Board> {
    return asEntity<Board>(await this.#request('PATCH', `/v2/boards/${segment(boardId)}`, { body: changes }), 'board');
  }

  /** `DELETE /v2/boards/{id}` (needs `boards:write`). */
  async deleteBoard(boardId: string): Promise<void> {
    await this.#request('DELETE', `/v2/boards/${segment(boardId)}`);
  }

  /** `POST /v2/boards/{id}/sticky_notes` (needs `boards:write`). */
  async createStickyNote(boardId: string, note: StickyNoteCreate): Promise<StickyNote> {
    return asEntity<StickyNote>(
      await this.#request('POST', `/v2/boards/${segment(boardId)}/sticky_notes`, { body: note }),
      'sticky note',
    );
  }

  /** `GET /v2/boards/{id}/sticky_notes/{item_id}` (needs `boards:read`). */
  async getStickyNote(boardId: string, itemId: string): Promise<StickyNote> {
    return asEntity<StickyNote>(
      await this.#request('GET', `/v2/boards/${segment(boardId)}/sticky_notes/${segment(itemId)}`),
      'sticky note',
    );
  }

  /** `PATCH /v2/boards/{id}/sticky_notes/{item_id}` (needs `boards:write`). */
  async updateStickyNote(boardId: string, itemId: string, changes: StickyNoteCreate): Promise<StickyNote> {
    return asEntity<StickyNote>(
      await this.#request('PATCH', `/v2/boards/${segment(boardId)}/sticky_notes/${segment(itemId)}`, {
        body: changes,
      }),
      'sticky note',
    );
  }

  /** `DELETE /v2/boards/{id}/sticky_notes/{item_id}` (needs `boards:write`). */
  async deleteStickyNote(boardId: string, itemId: string): Promise<void> {
    await this.#request('DELETE', `/v2/boards/${segment(boardId)}/sticky_notes/${segment(itemId)}`);
  }

  /** `GET /v2/boards/{id}/items`: one page of items (needs `boards:read`); sticky notes with `type: 'sticky_note'`. */
  async listItems(boardId: string, query: ListItemsQuery = {}): Promise<ItemsPage> {
    return asPage<ItemsPage>(
      await this.#request('GET', `/v2/boards/${segment(boardId)}/items`, { query: { ...query } }),
      'items',
    );
  }

  /** Every item of a board, page after page (cursor pagination). */
  async *allItems(boardId: string, query: Omit<ListItemsQuery, 'cursor'> = {}): AsyncGenerator<Item> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.listItems(boardId, cursor === undefined ? query : { ...query, cursor });
      yield* page.data;
      if (!page.cursor || page.data.length === 0) return;
      cursor = page.cursor;
    }
  }

  /** `GET /v2/boards/{id}/items/{item_id}` (needs `boards:read`). */
  async getItem(boardId: string, itemId: string): Promise<Item> {
    return asEntity<Item>(
      await this.#request('GET', `/v2/boards/${segment(boardId)}/items/${segment(itemId)}`),
      'item',
    );
  }

  /** `DELETE /v2/boards/{id}/items/{item_id}` (needs `boards:write`). */
  async deleteItem(boardId: string, itemId: string): Promise<void> {
    await this.#request('DELETE', `/v2/boards/${segment(boardId)}/items/${segment(itemId)}`);
  }
}
