/**
 * The REST API v2 shapes the helper reads and writes: boards, sticky notes and items, camelCase as
 * on the wire. Only the fields an app commonly needs are spelled out; the index signatures keep the
 * rest reachable without a cast.
 */

/** A reference to a user, team or other entity inside a response. */
export interface EntityRef {
  id: string;
  type?: string;
  name?: string;
}

/** A board (`Board`, `BoardWithLinks`). */
export interface Board {
  id: string;
  type: 'board' | (string & {});
  name: string;
  description: string;
  viewLink?: string;
  team?: EntityRef;
  owner?: EntityRef;
  createdAt?: string;
  modifiedAt?: string;
  createdBy?: EntityRef;
  modifiedBy?: EntityRef;
  links?: { self?: string; related?: string };
  [field: string]: unknown;
}

/** `GET /v2/boards` query parameters. */
export interface ListBoardsQuery {
  team_id?: string;
  project_id?: string;
  query?: string;
  owner?: string;
  /** 1 to 50; the server's default is 20. */
  limit?: number;
  offset?: number;
  sort?: 'default' | 'last_modified' | 'last_opened' | 'last_created' | 'alphabetically';
}

/** `GET /v2/boards` response: an offset-paginated page of boards. */
export interface BoardsPage {
  data: Board[];
  total?: number;
  size?: number;
  offset?: number;
  limit?: number;
  links?: Record<string, string>;
  type?: string;
}

/** `POST /v2/boards` and `PATCH /v2/boards/{id}` body. */
export interface BoardChanges {
  name?: string;
  description?: string;
  teamId?: string;
  projectId?: string;
  policy?: Record<string, unknown>;
}

/** Sticky note colours accepted by the API. */
export type StickyNoteColor =
  | 'gray'
  | 'light_yellow'
  | 'yellow'
  | 'orange'
  | 'light_green'
  | 'green'
  | 'dark_green'
  | 'cyan'
  | 'light_pink'
  | 'pink'
  | 'violet'
  | 'red'
  | 'light_blue'
  | 'blue'
  | 'dark_blue'
  | 'black';

/** A position on the board; the board's centre is (0, 0). */
export interface Position {
  x?: number;
  y?: number;
  origin?: string;
  relativeTo?: string;
}

/** `POST /v2/boards/{id}/sticky_notes` body. Give `geometry.width` or `geometry.height`, not both. */
export interface StickyNoteCreate {
  data?: { content?: string; shape?: 'square' | 'rectangle' };
  style?: {
    fillColor?: StickyNoteColor;
    textAlign?: 'left' | 'right' | 'center';
    textAlignVertical?: 'top' | 'middle' | 'bottom';
  };
  position?: Position;
  geometry?: { width?: number; height?: number };
  parent?: { id: string };
}

/** A board item (`GenericItem`); `StickyNote` narrows it. */
export interface Item {
  id: string;
  type: string;
  data?: Record<string, unknown>;
  position?: Position;
  geometry?: { width?: number; height?: number; rotation?: number };
  parent?: { id: string };
  createdAt?: string;
  modifiedAt?: string;
  createdBy?: EntityRef;
  modifiedBy?: EntityRef;
  [field: string]: unknown;
}

/** A sticky note item (`StickyNoteItem`). */
export interface StickyNote extends Item {
  type: 'sticky_note';
  data: { content?: string; shape?: 'square' | 'rectangle' };
  style?: { fillColor?: string; textAlign?: string; textAlignVertical?: string };
}

/** Item types the items endpoint can filter by. */
export type ItemType =
  | 'text'
  | 'shape'
  | 'sticky_note'
  | 'image'
  | 'document'
  | 'card'
  | 'app_card'
  | 'preview'
  | 'frame'
  | 'embed'
  | 'doc_format'
  | 'data_table_format';

/** `GET /v2/boards/{id}/items` query parameters. */
export interface ListItemsQuery {
  /** 10 to 50; the server's default is 10. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
  type?: ItemType;
}

/** `GET /v2/boards/{id}/items` response: a cursor-paginated page of items. */
export interface ItemsPage {
  data: Item[];
  total?: number;
  size?: number;
  limit?: number;
  /** Pass this back to get the next page; absent or empty on the last page. */
  cursor?: string;
  links?: Record<string, string>;
}
