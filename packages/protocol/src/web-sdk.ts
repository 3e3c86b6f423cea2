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
 * Every SDK method the host answers, with the scope the app's installation must hold (null: none).
 * `subscribe` is what `miro.board.ui.on('items:…')` sends: item events carry board content.
 */
export const SDK_METHOD_SCOPES = {
  getIdToken: null,
  getUserInfo: 'identity:read',
  getInfo: 'boards:read',
  get: 'boards:read',
  getById: 'boards:read',
  subscribe: 'boards:read',
  createStickyNote: 'boards:write',
  sync: 'boards:write',
  remove: 'boards:write',
} as const satisfies Record<string, Scope | null>;

export type SdkMethod = keyof typeof SDK_METHOD_SCOPES;

export function isSdkMethod(value: string): value is SdkMethod {
  return Object.hasOwn(SDK_METHOD_SCOPES, value);
}

/** Item events an app can subscribe to. */
export const SDK_EVENTS = ['items:create', 'items:update', 'items:delete'] as const;
export type SdkEvent = (typeof SDK_EVENTS)[number];

/** App → host: one SDK call. */
export interface SdkRequestMessage {
  source: 'grantboard-sdk';
  id: number;
  method: string;
  params: Record<string, unknown>;
}

/** Host → app: the answer to one call. */
export interface SdkResponseMessage {
  source: 'grantboard-host';
  id: number;
  result?: unknown;
  error?: SdkErrorBody;
}

/** Host → app: items changed on the board. */
export interface SdkEventMessage {
  source: 'grantboard-host';
  event: SdkEvent;
  items: SdkItem[];
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
  style?: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
}

/** App → host: the handshake. The SDK repeats it until the host answers, and holds its calls until then. */
export interface SdkHelloMessage {
  source: 'grantboard-sdk';
  hello: 2;
}

/** Host → app: the answer to the handshake. */
export interface SdkReadyMessage {
  source: 'grantboard-host';
  ready: true;
}
