/**
 * Grantboard Web SDK v2: the `miro` object for apps that run inside a Grantboard board, shaped like
 * Miro's Web SDK v2 so an app written for Miro runs unchanged.
 *
 * Load it from the Grantboard server the board runs on, with a plain script tag:
 *
 *     <script src="https://grantboard.example/sdk/v2.js"></script>
 *
 * Every call travels to the board page with `postMessage` and is decided by the server, against
 * the scopes the app was installed with. The SDK talks only to the window that embeds the app, and
 * only when that window is on the origin the script was loaded from (RFC 9700 §4.17); it ignores
 * every other message. No access token ever reaches the app; `getIdToken()` returns a short-lived
 * JWT for the app's own back end.
 *
 * This file is a classic script: no imports or exports, one global.
 */

/** Fields of a sticky note an app sets when creating one. */
interface MiroStickyNoteProps {
  content?: string;
  shape?: 'square' | 'rectangle';
  style?: {
    fillColor?: string;
    textAlign?: 'left' | 'center' | 'right';
    textAlignVertical?: 'top' | 'middle' | 'bottom';
  };
  /** Centre of the note; the board centre is 0, 0 (relative to the frame's top-left when `parentId` is set). */
  x?: number;
  y?: number;
  /** Width or height; a sticky note keeps its shape's proportions. */
  width?: number;
  height?: number;
  /** A frame to place the note in. */
  parentId?: string;
}

/** A board item as the SDK returns it. Change its fields, then call `sync()` to save them. */
interface MiroBoardItem {
  readonly id: string;
  readonly type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  readonly origin: 'center';
  readonly relativeTo: 'canvas_center' | 'parent_top_left';
  readonly parentId: string | null;
  content?: string;
  shape?: string;
  title?: string;
  style?: Record<string, unknown>;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly modifiedAt: string;
  readonly modifiedBy: string;
  /** Saves the changes made to this object since it was read or last synced. */
  sync(): Promise<void>;
}

/** An error from an SDK call: `message` is a sentence (e.g. "Method 'createStickyNote' requires scope 'boards:write'"). */
interface MiroSdkError extends Error {
  /** A stable code: `insufficientPermissions`, `appNotInstalled`, `notFound`, `invalidParameters`, … */
  code: string;
  /** The HTTP status the board's server answered with; 0 when the call never reached it. */
  status: number;
}

type MiroItemEvent = 'items:create' | 'items:update' | 'items:delete';

interface MiroItemsEventPayload {
  items: MiroBoardItem[];
}

interface MiroBoard {
  /** A JWT (HS256, signed with the app's client secret) naming the user and team, for the app's back end. */
  getIdToken(): Promise<string>;
  /** The current user; needs `identity:read`. */
  getUserInfo(): Promise<{ id: string; name: string; email: string }>;
  /** The board; needs `boards:read`. */
  getInfo(): Promise<{ id: string; locale: string; createdAt: string; updatedAt: string }>;
  /** Needs `boards:write`. */
  createStickyNote(props?: MiroStickyNoteProps): Promise<MiroBoardItem>;
  /** Items of the board, all or of the given types or ids; needs `boards:read`. */
  get(filter?: { type?: string | string[]; id?: string | string[] }): Promise<MiroBoardItem[]>;
  /** Needs `boards:read`. */
  getById(id: string): Promise<MiroBoardItem>;
  /** Needs `boards:write`. */
  remove(item: MiroBoardItem | { id: string } | string): Promise<void>;
  /** Same as `item.sync()`. */
  sync(item: MiroBoardItem): Promise<void>;
  ui: {
    /** Item events, for changes by anyone on the board; subscribing needs `boards:read`. */
    on(event: MiroItemEvent, handler: (payload: MiroItemsEventPayload) => void): Promise<void>;
    off(event: MiroItemEvent, handler: (payload: MiroItemsEventPayload) => void): Promise<void>;
  };
}

interface MiroSdk {
  board: MiroBoard;
  /** Whether the script runs in a board's app frame, with a board to talk to. */
  readonly connected: boolean;
}

// The global: `window.miro`, or just `miro`. Merges into the DOM's Window type.
// biome-ignore lint/correctness/noUnusedVariables: a declaration merge, used through `window`.
interface Window {
  miro: MiroSdk;
}

(() => {
  /** A call the board does not answer within this time fails rather than hanging the app. */
  const CALL_TIMEOUT_MS = 30_000;
  /** Hellos until the board answers: every 100 ms, for up to 20 seconds. */
  const HELLO_INTERVAL_MS = 100;
  const HELLO_TRIES = 200;
  /** Fields `sync()` sends when they changed. */
  const EDITABLE = ['content', 'shape', 'style', 'x', 'y', 'width', 'height', 'title'] as const;

  // The board's origin is the origin this script was served from: a page that frames the app
  // cannot change it, unlike a parameter in the frame's address.
  const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src;
  const hostOrigin = scriptSrc ? new URL(scriptSrc).origin : undefined;
  const host = window.parent !== window ? window.parent : undefined;

  interface Pending {
    resolve(value: unknown): void;
    reject(error: Error): void;
    timer: ReturnType<typeof setTimeout>;
  }
  const pending = new Map<number, Pending>();
  const handlers = new Map<MiroItemEvent, Set<(payload: MiroItemsEventPayload) => void>>();
  let nextId = 1;

  function sdkError(message: string, code: string, status: number): MiroSdkError {
    return Object.assign(new Error(message), { code, status });
  }

  /**
   * The handshake: the board's script may start after this one, so the SDK says hello until the
   * board answers, and holds calls until then.
   */
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  if (host && hostOrigin) {
    let hellos = 0;
    const hello = () => host.postMessage({ source: 'grantboard-sdk', hello: 2 }, hostOrigin);
    const timer = setInterval(() => {
      if (++hellos >= HELLO_TRIES) clearInterval(timer);
      else hello();
    }, HELLO_INTERVAL_MS);
    void ready.then(() => clearInterval(timer));
    hello();
  }

  function call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!host || !hostOrigin) {
      return Promise.reject(
        sdkError(`Method '${method}' works only inside a Grantboard board, in an app frame.`, 'notInBoard', 0),
      );
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(sdkError(`Method '${method}' got no answer from the board.`, 'timeout', 0));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      // Posted to the board's origin only: no other page can read the call.
      void ready.then(() => host.postMessage({ source: 'grantboard-sdk', id, method, params }, hostOrigin));
    });
  }

  type ItemData = Omit<MiroBoardItem, 'sync'>;

  function snapshot(item: ItemData): string[] {
    return EDITABLE.map((key) => JSON.stringify(item[key] ?? null));
  }

  /** Wraps an item from the board with `sync()`, which sends only what changed since the last read. */
  function wrap(data: ItemData): MiroBoardItem {
    const item = { ...data } as MiroBoardItem;
    let synced = snapshot(data);
    Object.defineProperty(item, 'sync', {
      enumerable: false,
      value: async () => {
        const now = snapshot(item);
        const changes: Record<string, unknown> = {};
        EDITABLE.forEach((key, i) => {
          if (now[i] !== synced[i]) changes[key] = item[key];
        });
        // A sticky note takes a width or a height, not both: the width wins.
        if ('width' in changes && 'height' in changes) delete changes.height;
        if (Object.keys(changes).length === 0) return;
        const updated = (await call('sync', { id: item.id, ...changes })) as ItemData;
        Object.assign(item, updated);
        synced = snapshot(item);
      },
    });
    return item;
  }

  window.addEventListener('message', (event: MessageEvent) => {
    // RFC 9700 §4.17: only the embedding board, and only from Grantboard's origin.
    if (!host || event.source !== host || event.origin !== hostOrigin) return;
    const data = event.data as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || data.source !== 'grantboard-host') return;
    if (data.ready === true) {
      markReady();
      return;
    }
    if (typeof data.event === 'string') {
      const listeners = handlers.get(data.event as MiroItemEvent);
      if (!listeners || !Array.isArray(data.items)) return;
      for (const listener of listeners) listener({ items: (data.items as ItemData[]).map(wrap) });
      return;
    }
    const entry = typeof data.id === 'number' ? pending.get(data.id) : undefined;
    if (!entry) return;
    pending.delete(data.id as number);
    clearTimeout(entry.timer);
    const error = data.error as { message?: string; code?: string; status?: number } | undefined;
    if (error) entry.reject(sdkError(String(error.message), String(error.code), Number(error.status ?? 0)));
    else entry.resolve(data.result);
  });

  const idOf = (item: MiroBoardItem | { id: string } | string) => (typeof item === 'string' ? item : item.id);

  const board: MiroBoard = {
    getIdToken: () => call('getIdToken') as Promise<string>,
    getUserInfo: () => call('getUserInfo') as ReturnType<MiroBoard['getUserInfo']>,
    getInfo: () => call('getInfo') as ReturnType<MiroBoard['getInfo']>,
    async createStickyNote(props = {}) {
      return wrap((await call('createStickyNote', { ...props })) as ItemData);
    },
    async get(filter = {}) {
      return ((await call('get', { ...filter })) as ItemData[]).map(wrap);
    },
    async getById(id) {
      return wrap((await call('getById', { id })) as ItemData);
    },
    async remove(item) {
      await call('remove', { id: idOf(item) });
    },
    sync: (item) => item.sync(),
    ui: {
      async on(event, handler) {
        const listeners = handlers.get(event) ?? new Set();
        if (listeners.size === 0) {
          // The board sends item events only once the server agreed (they carry board content).
          await call('subscribe', { events: [event] });
        }
        listeners.add(handler);
        handlers.set(event, listeners);
      },
      async off(event, handler) {
        handlers.get(event)?.delete(handler);
      },
    },
  };

  window.miro = { board, connected: host !== undefined && hostOrigin !== undefined };
})();
