import type { Scope } from './scopes.js';

/**
 * The Web SDK bridge: the messages an app's iframe and the board page exchange with
 * `postMessage`, and the scope each SDK method needs. The host checks origins on both sides
 * (RFC 9700 §4.17); the server checks the scopes.
 */

/** Where the Web SDK script is served, and where Miro serves it (so apps moved from Miro keep their tag). */
export const WEB_SDK_PATHS = {
  script: '/sdk/v2.js',
  miroScript: '/app/static/sdk/v2/miro.js',
} as const;

/**
 * Every SDK method the host answers, with the scope the app's installation must hold (null: none,
 * but the app must still be installed in the board's team). Names are Miro's, with the namespace
 * (`viewport.`, `ui.`, `notifications.`) where Miro's SDK has one. `subscribe` is what
 * `miro.board.ui.on(…)` sends; each event then has its own scope (`SDK_EVENT_SCOPES`).
 */
export const SDK_METHOD_SCOPES = {
  getIdToken: null,
  getUserInfo: 'identity:read',
  getInfo: 'boards:read',
  getOnlineUsers: 'boards:read',
  get: 'boards:read',
  getById: 'boards:read',
  getSelection: 'boards:read',
  select: 'boards:read',
  deselect: 'boards:read',
  subscribe: null,
  createStickyNote: 'boards:write',
  createText: 'boards:write',
  createShape: 'boards:write',
  createFrame: 'boards:write',
  createCard: 'boards:write',
  createAppCard: 'boards:write',
  createImage: 'boards:write',
  createEmbed: 'boards:write',
  createConnector: 'boards:write',
  createTag: 'boards:write',
  bringToFront: 'boards:write',
  sendToBack: 'boards:write',
  sync: 'boards:write',
  remove: 'boards:write',
  getMetadata: 'boards:read',
  setMetadata: 'boards:write',
  getAppData: 'boards:read',
  setAppData: 'boards:write',
  'viewport.get': 'boards:read',
  'viewport.set': 'boards:read',
  'viewport.zoomTo': 'boards:read',
  'viewport.getZoom': 'boards:read',
  'viewport.setZoom': 'boards:read',
  'notifications.showInfo': null,
  'notifications.showError': null,
  'notifications.show': null,
  'ui.openPanel': null,
  'ui.closePanel': null,
  'ui.getPanelData': null,
  'ui.canOpenPanel': null,
  'ui.openModal': null,
  'ui.closeModal': null,
  'ui.getModalData': null,
  'ui.canOpenModal': null,
} as const satisfies Record<string, Scope | null>;

export type SdkMethod = keyof typeof SDK_METHOD_SCOPES;

export function isSdkMethod(value: string): value is SdkMethod {
  return Object.hasOwn(SDK_METHOD_SCOPES, value);
}

/**
 * Events an app can subscribe to, Miro's names, with the scope each needs: item and selection
 * events carry board content. The server checks installation, scope and board role again on every
 * delivery, so an uninstalled app or a removed scope stops the events at once.
 */
export const SDK_EVENT_SCOPES = {
  'items:create': 'boards:read',
  'experimental:items:update': 'boards:read',
  'items:delete': 'boards:read',
  'selection:update': 'boards:read',
  'icon:click': null,
  drop: null,
  /** A click on an app card's open icon or its status, delivered to the app that made the card only. */
  'app_card:open': 'boards:read',
  'app_card:connect': 'boards:read',
} as const satisfies Record<string, Scope | null>;

export type SdkEvent = keyof typeof SDK_EVENT_SCOPES;
export const SDK_EVENTS = Object.keys(SDK_EVENT_SCOPES) as SdkEvent[];

/** Events whose payload is board items: the server reads the items itself before delivering them. */
export const SDK_ITEM_EVENTS = [
  'items:create',
  'experimental:items:update',
  'items:delete',
  'selection:update',
] as const;
export type SdkItemEvent = (typeof SDK_ITEM_EVENTS)[number];

/** Where an app's page runs on the board: headless (its App URL, hidden), a panel, or a modal. */
export type SdkFrameKind = 'headless' | 'panel' | 'modal';

/**
 * Miro's answer for a method of its typings that Grantboard does not do (timer, collaboration,
 * storage, experimental): the call fails at once instead of hanging.
 */
export const NOT_SUPPORTED_CODE = 'notSupported';
export function notSupportedMessage(method: string): string {
  return `Method '${method}' is not supported`;
}

/**
 * The bridge between an app's frame and the board page, both ways. The SDK (packages/web-sdk) is a
 * classic script and cannot import these types; the host (the board page's app shell) is typed by them.
 */

/** App → host: one SDK call. */
export interface SdkRequestMessage {
  source: 'grantboard-sdk';
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

/** App → host: something dragged from a panel was dropped at these frame coordinates. */
export interface SdkDropMessage {
  source: 'grantboard-sdk';
  drag: 'drop';
  x: number;
  y: number;
}

/**
 * App → host: a press on a `miro-draggable` element began a drag (`start`), or it was released
 * inside the frame (`cancel`). A frame of another site does not get the release once the pointer
 * left it; the board page does, and drops there.
 */
export interface SdkDragMessage {
  source: 'grantboard-sdk';
  drag: 'start' | 'cancel';
}

/** Host → app: the answer to one call. */
export interface SdkResponseMessage {
  source: 'grantboard-host';
  id: number;
  result?: unknown;
  error?: SdkErrorBody;
}

/** Host → app: an event the server agreed to deliver, with its payload (`items`, or `x`/`y` for `drop`). */
export interface SdkEventMessage {
  source: 'grantboard-host';
  event: SdkEvent;
  payload: Record<string, unknown>;
}

/** The host's request to deliver one event to one app frame; the server answers with what to post. */
export interface SdkEventDelivery {
  event: SdkEvent;
  /** Items the event is about (created, changed, deleted, selected); the server reads them itself. */
  itemIds?: string[];
  /** For `drop`: where on the board, in board coordinates. */
  x?: number;
  y?: number;
  /** For `items:delete`: the items as the board had them (they are gone, so the server cannot read them). */
  deleted?: { id: string; type: string }[];
}

/** An SDK error as the app sees it: a sentence and a stable code. */
export interface SdkErrorBody {
  status: number;
  code: string;
  message: string;
}

/** A board item in the Web SDK's shape (flat: `x`, `y`, `width`, `content`…), as Miro's SDK has it. */
export interface SdkItem {
  id: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  origin: 'center';
  relativeTo: 'canvas_center' | 'parent_top_left';
  parentId: string | null;
  content?: string;
  shape?: string;
  title?: string;
  description?: string;
  assigneeId?: string;
  dueDate?: string;
  /** App cards: Miro's preview fields, and the connection status. */
  fields?: Record<string, unknown>[];
  status?: string;
  /** Sticky notes and cards: the ids of their tags (always present on those two types, as in Miro). */
  tagIds?: string[];
  /** Tags (`type: 'tag'`): Miro's tag colour (`fillColor` on the REST API). */
  color?: string;
  /** Images (`imageUrl` on the REST API) and embeds: where the content is hosted. */
  url?: string;
  previewUrl?: string;
  mode?: string;
  /** Connectors: the items they join, and their captions. */
  start?: { item: string; snapTo?: string; position?: { x: number; y: number } };
  end?: { item: string; snapTo?: string; position?: { x: number; y: number } };
  captions?: { content: string; position?: number }[];
  rotation?: number;
  style?: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
}

/** A tag in the Web SDK's shape, as Miro's `Tag`: `board.get({type: 'tag'})`, `createTag()`. */
export interface SdkTag {
  id: string;
  type: 'tag';
  title: string;
  color: string;
}

/** App → host: the handshake. The SDK repeats it until the host answers, and holds its calls until then. */
export interface SdkHelloMessage {
  source: 'grantboard-sdk';
  hello: 2;
}

/** Host → app: the answer to the handshake, with the kind of frame the app runs in. */
export interface SdkReadyMessage {
  source: 'grantboard-host';
  ready: true;
  kind: SdkFrameKind;
}

/** Host → app: a panel or modal this frame opened was closed, with what it returned. */
export interface SdkClosedMessage {
  source: 'grantboard-host';
  closed: 'panel' | 'modal';
  result: unknown;
}

/** Everything the host posts to an app's frame. */
export type SdkHostMessage = SdkResponseMessage | SdkEventMessage | SdkReadyMessage | SdkClosedMessage;
