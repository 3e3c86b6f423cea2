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
 * Its shapes follow Miro's typings (`@mirohq/websdk-types`); a type test in `test/` checks them.
 * A method of Miro's SDK that Grantboard does not do rejects at once with code `notSupported`.
 *
 * This file is a classic script: no imports or exports, one global.
 */

/**
 * An item's own read-only fields, which Miro's typings let an app pass back (e.g. a spread item):
 * the SDK drops them before sending, as Miro does.
 */
interface MiroReadOnlyFields {
  readonly type?: string | undefined;
  readonly id?: string | undefined;
  origin?: 'center' | undefined;
  relativeTo?: unknown;
  readonly groupId?: string | undefined;
  readonly createdAt?: string | undefined;
  readonly createdBy?: string | undefined;
  readonly modifiedAt?: string | undefined;
  readonly modifiedBy?: string | undefined;
  readonly connectorIds?: unknown;
  /** Not supported yet: a non-empty value is refused (`notSupported`). */
  linkedTo?: string | undefined;
  /** Tags of the board (at most eight): sticky notes and cards only; the server refuses them on other items. */
  tagIds?: string[] | undefined;
}

/** Position and size, as Miro's SDK has them: the centre of the item, the board centre is 0, 0. */
interface MiroPlacement extends MiroReadOnlyFields {
  /** Relative to the frame's top-left when `parentId` is set. */
  x?: number | undefined;
  y?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  rotation?: number | undefined;
  /** A frame to place the item in. */
  readonly parentId?: string | null | undefined;
}

/** Fields of a sticky note an app sets when creating one (a sticky note takes a width or a height). */
interface MiroStickyNoteProps extends Omit<MiroPlacement, 'rotation'> {
  content?: string | undefined;
  shape?: 'square' | 'rectangle' | undefined;
  /** `fillColor` (Miro's sticky note colours), `textAlign`, `textAlignVertical`. */
  style?: Record<string, unknown> | undefined;
}

/** Miro's shape types. */
type MiroShapeType =
  | 'rectangle'
  | 'round_rectangle'
  | 'circle'
  | 'triangle'
  | 'rhombus'
  | 'parallelogram'
  | 'trapezoid'
  | 'pentagon'
  | 'hexagon'
  | 'octagon'
  | 'wedge_round_rectangle_callout'
  | 'star'
  | 'flow_chart_predefined_process'
  | 'cloud'
  | 'cross'
  | 'can'
  | 'right_arrow'
  | 'left_arrow'
  | 'left_right_arrow'
  | 'left_brace'
  | 'right_brace';

interface MiroShapeProps extends MiroPlacement {
  content?: string | undefined;
  shape?: MiroShapeType | (string & {}) | undefined;
  /** Miro's shape style: `fillColor`, `borderColor`, `color`, `fontSize`, … (hex colours). */
  style?: Record<string, unknown> | undefined;
}

interface MiroTextProps extends Omit<MiroPlacement, 'height'> {
  content?: string | undefined;
  style?: Record<string, unknown> | undefined;
}

interface MiroFrameProps extends Omit<MiroPlacement, 'rotation'> {
  title?: string | undefined;
  style?: { fillColor?: string | undefined } | undefined;
  /** Read only, as in Miro. */
  readonly childrenIds?: string[] | undefined;
  /** Only Miro's custom frames exist on Grantboard boards. */
  format?: unknown;
  showContent?: boolean | undefined;
}

interface MiroCardProps extends MiroPlacement {
  title?: string | undefined;
  description?: string | undefined;
  /** ISO 8601, in UTC. */
  dueDate?: string | undefined;
  /** Stored as the card's assignee (`assigneeId` on the REST API). */
  assignee?: { userId?: string | undefined } | undefined;
  /** `cardTheme`: the border colour (hex). */
  style?: { cardTheme?: string | undefined; fillBackground?: unknown } | undefined;
  /** Not supported yet: a non-empty value is refused (`notSupported`). */
  startDate?: string | undefined;
  taskStatus?: unknown;
  fields?: unknown;
}

interface MiroAppCardProps extends MiroPlacement {
  title?: string | undefined;
  description?: string | undefined;
  /** Miro's preview fields: `{value, tooltip, fillColor, textColor, iconShape, iconUrl}`. */
  fields?: unknown;
  status?: 'disconnected' | 'connected' | 'disabled' | undefined;
  /** `cardTheme`: the card's colour (hex). */
  style?: { cardTheme?: string | undefined; fillBackground?: unknown } | undefined;
  readonly owned?: boolean | undefined;
}

interface MiroImageProps extends MiroPlacement {
  /**
   * An http or https address (the board shows the image's name and address in a preview box), or a
   * data URL, `data:image/png;base64,…` (PNG, JPEG, GIF, WebP or SVG, up to 1 MiB), stored with the
   * item and drawn on the board.
   */
  url?: string | undefined;
  title?: string | undefined;
  alt?: string | undefined;
  /** Not supported yet (`notSupported`). */
  dataUrl?: string | undefined;
}

interface MiroEmbedProps extends Omit<MiroPlacement, 'width' | 'height'> {
  readonly url?: string | undefined;
  previewUrl?: string | undefined;
  mode?: 'inline' | 'modal' | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/** One end of a connector: an item, and where on it (a side, or a relative position 0 to 1). */
interface MiroConnectorEnd {
  item?: string | undefined;
  snapTo?: 'auto' | 'top' | 'right' | 'bottom' | 'left' | undefined;
  position?: { x?: number | undefined; y?: number | undefined } | undefined;
}

interface MiroConnectorProps extends MiroReadOnlyFields {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  start?: MiroConnectorEnd | undefined;
  end?: MiroConnectorEnd | undefined;
  shape?: 'straight' | 'elbowed' | 'curved' | undefined;
  style?: Record<string, unknown> | undefined;
  /** `[{content, position}]`, position 0 to 1 along the line. */
  captions?: unknown;
}

/** Miro's tag colours. */
type MiroTagColor =
  | 'red'
  | 'magenta'
  | 'violet'
  | 'light_green'
  | 'green'
  | 'dark_green'
  | 'cyan'
  | 'blue'
  | 'dark_blue'
  | 'yellow'
  | 'gray'
  | 'black'
  | 'dark_gray';

/** A tag of the board, as Miro's `Tag`: change `title` or `color`, then `sync()`; `board.remove(tag)` deletes it. */
interface MiroTag {
  readonly type: 'tag';
  readonly id: string;
  title: string;
  color: MiroTagColor;
  sync(): Promise<void>;
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
  description?: string;
  fields?: Record<string, unknown>[];
  status?: string;
  url?: string;
  previewUrl?: string;
  rotation?: number;
  style?: Record<string, unknown>;
  /** Sticky notes and cards: the ids of their tags; change the list and `sync()` to retag. */
  tagIds?: string[];
  /** Tags (`type: 'tag'`, from `get()`): the colour. */
  color?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly modifiedAt: string;
  readonly modifiedBy: string;
  /** Saves the changes made to this object since it was read or last synced. */
  sync(): Promise<void>;
  /** What this app stored with the item (`boards:read`): one key's value, or everything. */
  getMetadata(key?: string): Promise<unknown>;
  /** Stores a JSON value under a key (`boards:write`); `null` removes it. */
  setMetadata(key: string, value: unknown): Promise<unknown>;
  /** Draws this item over every other item (`boards:write`). */
  bringToFront(): Promise<void>;
  /** Draws this item under every other item (`boards:write`). */
  sendToBack(): Promise<void>;
}

/** An error from an SDK call: `message` is a sentence (e.g. "Method 'createStickyNote' requires scope 'boards:write'"). */
interface MiroSdkError extends Error {
  /** A stable code: `insufficientPermissions`, `appNotInstalled`, `notFound`, `invalidParameters`, `notSupported`, … */
  code: string;
  /** The HTTP status the board's server answered with; 0 when the call never reached it. */
  status: number;
}

type MiroItemEvent = 'items:create' | 'experimental:items:update' | 'items:delete' | 'selection:update';

interface MiroItemsEventPayload {
  items: MiroBoardItem[];
}

/** Where an item was dropped on the board, and the `miro-draggable` element that was dragged. */
interface MiroDropEvent {
  x: number;
  y: number;
  target: HTMLElement;
}

interface MiroRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface MiroFilter {
  type?: string | string[];
  id?: string | string[];
  /** Tag ids: items with any of them. */
  tags?: string | string[];
}

type MiroItemRef = MiroBoardItem | { id: string };

interface MiroBoardUI {
  /** Opens a page of the app's origin in the panel beside the board; `data` is what `getPanelData()` answers there. */
  openPanel<Data = undefined, Result = undefined>(options: {
    url: string;
    height?: number;
    data?: Data;
  }): Promise<{ waitForClose: () => Promise<Result | undefined> }>;
  canOpenPanel(): Promise<boolean>;
  getPanelData<Data = unknown>(): Promise<Data | undefined>;
  closePanel<Result = undefined>(result?: Result): Promise<void>;
  /** Opens a page of the app's origin in a modal over the board. */
  openModal<Data = undefined, Result = undefined>(options: {
    url: string;
    width?: number;
    height?: number;
    fullscreen?: boolean;
    data?: Data;
  }): Promise<{ waitForClose: () => Promise<Result | undefined> }>;
  getModalData<Data = unknown>(): Promise<Data | undefined>;
  closeModal<Result = undefined>(result?: Result): Promise<void>;
  canOpenModal(): Promise<boolean>;
  /** Events: item and selection events need `boards:read`; each is delivered only after the server's check. */
  on(event: 'drop', handler: (event: MiroDropEvent) => void): Promise<void>;
  on(event: 'icon:click', handler: () => void): Promise<void>;
  /** The user clicked an app card this app made: its open icon, or its status to connect it (`boards:read`). */
  on(event: 'app_card:open' | 'app_card:connect', handler: (event: { appCard: MiroBoardItem }) => void): Promise<void>;
  on(event: MiroItemEvent, handler: (event: MiroItemsEventPayload) => void): Promise<void>;
  on(event: string, handler: (event: never) => void): Promise<void>;
  off(event: string, handler: (event: never) => void): Promise<void>;
}

interface MiroViewport {
  get(): Promise<MiroRect>;
  set(options: {
    viewport: MiroRect;
    padding?: { top?: number; left?: number; bottom?: number; right?: number };
    animationDurationInMs?: number;
  }): Promise<MiroRect>;
  zoomTo(items: MiroItemRef | MiroItemRef[]): Promise<void>;
  getZoom(): Promise<number>;
  setZoom(zoomLevel: number): Promise<void>;
}

interface MiroNotifications {
  showInfo(message: string): Promise<void>;
  showError(message: string): Promise<void>;
  show(options: { type: 'info' | 'error' | (string & {}); message: string }): Promise<void>;
}

/** A method of Miro's SDK that Grantboard does not do: it rejects with code `notSupported`. */
type MiroNotSupported = (...args: never[]) => Promise<never>;

interface MiroBoard {
  /** A JWT (HS256, signed with the app's client secret) naming the user and team, for the app's back end. */
  getIdToken(): Promise<string>;
  /** The current user; needs `identity:read`. */
  getUserInfo(): Promise<{ id: string; name: string; email: string }>;
  /** The board; needs `boards:read`. */
  getInfo(): Promise<{
    readonly id: string;
    readonly locale: 'en';
    readonly createdAt: string;
    readonly updatedAt: string;
  }>;
  /** The users on the board (Grantboard knows of the current user only); needs `boards:read`. */
  getOnlineUsers(): Promise<{ id: string; name: string }[]>;
  /** Needs `boards:write`. */
  createStickyNote(props?: MiroStickyNoteProps): Promise<MiroBoardItem>;
  createText(props?: MiroTextProps): Promise<MiroBoardItem>;
  createShape(props?: MiroShapeProps): Promise<MiroBoardItem>;
  createFrame(props?: MiroFrameProps): Promise<MiroBoardItem>;
  /** Items of the board, all or of the given types, ids or tags; needs `boards:read`. */
  get(filter?: MiroFilter): Promise<MiroBoardItem[]>;
  /** Needs `boards:read`. */
  getById(id: string): Promise<MiroBoardItem>;
  /** The items the user has selected; needs `boards:read`. */
  getSelection(): Promise<MiroBoardItem[]>;
  /** Adds the matching items to the user's selection; needs `boards:read`. */
  select(filter?: MiroFilter): Promise<MiroBoardItem[]>;
  deselect(filter?: MiroFilter): Promise<MiroBoardItem[]>;
  /** Needs `boards:write`. */
  remove(item: MiroItemRef | string): Promise<void>;
  /** Same as `item.sync()`. */
  sync(item: MiroBoardItem): Promise<void>;
  ui: MiroBoardUI;
  viewport: MiroViewport;
  notifications: MiroNotifications;
  /** Needs `boards:write`. */
  createCard(props?: MiroCardProps): Promise<MiroBoardItem>;
  createAppCard(props?: MiroAppCardProps): Promise<MiroBoardItem>;
  /** By http or https address, or by data URL (up to 1 MiB); needs `boards:write`. */
  createImage(props: MiroImageProps): Promise<MiroBoardItem>;
  createEmbed(props: MiroEmbedProps): Promise<MiroBoardItem>;
  /** A line between two items; needs `boards:write`. */
  createConnector(props: MiroConnectorProps): Promise<MiroBoardItem>;
  /** A tag for the board (`boards:write`); its title must be unique on the board. Attach it with `tagIds`. */
  createTag(props?: {
    title?: string;
    color?: MiroTagColor | undefined;
    readonly type?: 'tag';
    readonly id?: string;
  }): Promise<MiroTag>;
  createPreview: MiroNotSupported;
  createGroup: MiroNotSupported;
  group: MiroNotSupported;
  /** What this app stored with the item: one key's value, or everything. Needs `boards:read`. */
  getMetadata(item: MiroItemRef, key?: string): Promise<unknown>;
  /** Stores a JSON value under a key with the item (`null` removes it); answers everything. Needs `boards:write`. */
  setMetadata<D = Record<string, unknown>>(item: MiroItemRef, key: string, value: unknown): Promise<D>;
  /** What this app stored with the board. Needs `boards:read`. */
  getAppData(key?: string): Promise<unknown>;
  setAppData<D = Record<string, unknown>>(key: string, value: unknown): Promise<D>;
  /** Draws the items over every other item of the board, keeping their order among themselves; needs `boards:write`. */
  bringToFront(items: MiroItemRef | MiroItemRef[]): Promise<void>;
  /** Draws the items under every other item of the board; needs `boards:write`. */
  sendToBack(items: MiroItemRef | MiroItemRef[]): Promise<void>;
  bringInFrontOf: MiroNotSupported;
  sendBehindOf: MiroNotSupported;
  getLayerIndex: MiroNotSupported;
  goToLink: MiroNotSupported;
  findEmptySpace: MiroNotSupported;
  canUse(feature: string): Promise<boolean>;
  timer: Record<string, MiroNotSupported>;
  collaboration: Record<string, MiroNotSupported>;
  storage: Record<string, MiroNotSupported>;
  events: Record<string, MiroNotSupported>;
  experimental: Record<string, MiroNotSupported>;
}

interface MiroSdk {
  board: MiroBoard;
  readonly clientVersion: string;
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
  const EDITABLE = [
    'content',
    'shape',
    'style',
    'x',
    'y',
    'width',
    'height',
    'title',
    'rotation',
    'description',
    'status',
    'fields',
    'tagIds',
    'color',
  ] as const;

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
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  /** Who waits for the panel or modal this frame opened to close. */
  const closeWaiters: Record<'panel' | 'modal', ((result: unknown) => void)[]> = { panel: [], modal: [] };
  /** The `miro-draggable` element being dragged from this frame, if any. */
  let dragged: HTMLElement | undefined;
  let nextId = 1;

  function sdkError(message: string, code: string, status: number): MiroSdkError {
    return Object.assign(new Error(message), { code, status });
  }

  /** Miro's answer for what its SDK has and Grantboard does not do: an error at once, not a hang. */
  const notSupported =
    (name: string): MiroNotSupported =>
    () =>
      Promise.reject(sdkError(`Method '${name}' is not supported`, 'notSupported', 0));
  const unsupportedNamespace = (name: string) =>
    new Proxy({} as Record<string, MiroNotSupported>, {
      get: (_target, key) => (typeof key === 'string' ? notSupported(`${name}.${key}`) : undefined),
    });

  /**
   * The handshake: the board's script may start after this one, so the SDK says hello until the
   * board answers, and holds calls until then.
   */
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  function send(message: Record<string, unknown>): void {
    if (host && hostOrigin) host.postMessage({ source: 'grantboard-sdk', ...message }, hostOrigin);
  }
  if (host && hostOrigin) {
    let hellos = 0;
    const timer = setInterval(() => {
      if (++hellos >= HELLO_TRIES) clearInterval(timer);
      else send({ hello: 2 });
    }, HELLO_INTERVAL_MS);
    void ready.then(() => clearInterval(timer));
    send({ hello: 2 });
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
      void ready.then(() => send({ id, method, params }));
    });
  }

  type ItemData = Omit<MiroBoardItem, 'sync' | 'getMetadata' | 'setMetadata' | 'bringToFront' | 'sendToBack'>;

  function snapshot(item: ItemData): string[] {
    return EDITABLE.map((key) => JSON.stringify(item[key] ?? null));
  }

  /** Wraps an item from the board with `sync()`, which sends only what changed since the last read. */
  function wrap(data: ItemData): MiroBoardItem {
    const item = { ...data } as MiroBoardItem;
    let synced = snapshot(data);
    const methods: Record<string, unknown> = {
      sync: async () => {
        const now = snapshot(item);
        const changes: Record<string, unknown> = {};
        EDITABLE.forEach((key, i) => {
          if (now[i] !== synced[i]) changes[key] = item[key];
        });
        // A sticky note takes a width or a height, not both: the width wins.
        if (item.type === 'sticky_note' && 'width' in changes && 'height' in changes) delete changes.height;
        // A text's height follows its content.
        if (item.type === 'text') delete changes.height;
        if (Object.keys(changes).length === 0) return;
        const updated = (await call('sync', { id: item.id, ...changes })) as ItemData;
        Object.assign(item, updated);
        synced = snapshot(item);
      },
      getMetadata: (key?: string) => call('getMetadata', key === undefined ? { id: item.id } : { id: item.id, key }),
      setMetadata: (key: string, value: unknown) => call('setMetadata', { id: item.id, key, value }),
      bringToFront: async () => {
        await call('bringToFront', { id: [item.id] });
      },
      sendToBack: async () => {
        await call('sendToBack', { id: [item.id] });
      },
      goToLink: notSupported('goToLink'),
      getLayerIndex: notSupported('getLayerIndex'),
    };
    for (const [name, value] of Object.entries(methods)) {
      Object.defineProperty(item, name, { enumerable: false, value });
    }
    return item;
  }

  const wrapAll = (items: unknown) => (Array.isArray(items) ? (items as ItemData[]).map(wrap) : []);

  function emit(event: string, payload: Record<string, unknown>): void {
    const listeners = handlers.get(event);
    if (!listeners) return;
    let value: unknown = payload;
    if (Array.isArray(payload.items)) value = { items: wrapAll(payload.items) };
    if (event === 'icon:click') value = undefined;
    if (event === 'app_card:open' || event === 'app_card:connect') {
      if (typeof payload.appCard !== 'object' || payload.appCard === null) return;
      value = { appCard: wrap(payload.appCard as ItemData) };
    }
    if (event === 'drop') {
      if (!dragged) return;
      value = { x: Number(payload.x), y: Number(payload.y), target: dragged };
      dragged = undefined;
    }
    for (const listener of listeners) listener(value);
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
      emit(data.event, (data.payload ?? {}) as Record<string, unknown>);
      return;
    }
    if (data.closed === 'panel' || data.closed === 'modal') {
      for (const waiter of closeWaiters[data.closed].splice(0)) waiter(data.result);
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

  // Drag and drop from a panel, as Miro's SDK does it: a press on a `miro-draggable` element, a
  // release over the board. The board turns the release point into board coordinates and, once the
  // server agreed, sends `drop` back here. The pointer stays with this frame while the button is down.
  document.addEventListener('pointerdown', (event) => {
    const target = (event.target as Element | null)?.closest?.('.miro-draggable');
    if (!(target instanceof HTMLElement) || event.button !== 0 || !handlers.get('drop')?.size) return;
    event.preventDefault();
    dragged = target;
    target.setPointerCapture?.(event.pointerId);
    // The board finishes the drag where this frame does not hear the release (a frame of another site).
    send({ drag: 'start' });
  });
  document.addEventListener('pointerup', (event) => {
    if (!dragged) return;
    // Released inside the panel: no drop.
    const inside =
      event.clientX >= 0 && event.clientY >= 0 && event.clientX < innerWidth && event.clientY < innerHeight;
    if (inside) {
      dragged = undefined;
      send({ drag: 'cancel' });
      return;
    }
    send({ drag: 'drop', x: event.clientX, y: event.clientY });
  });

  /** Item fields the server takes; an item's read-only fields are dropped, unset ones too. */
  const WRITABLE = new Set([
    'description',
    'assigneeId',
    'dueDate',
    'fields',
    'status',
    'url',
    'previewUrl',
    'mode',
    'content',
    'shape',
    'style',
    'x',
    'y',
    'width',
    'height',
    'rotation',
    'parentId',
    'title',
    'tagIds',
    'color',
  ]);
  const READ_ONLY = new Set([
    'owned',
    'alt',
    'fillBackground',
    'type',
    'id',
    'origin',
    'relativeTo',
    'groupId',
    'createdAt',
    'createdBy',
    'modifiedAt',
    'modifiedBy',
    'connectorIds',
    'childrenIds',
    'format',
    'showContent',
  ]);

  function propsFor(method: string, props: object): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || READ_ONLY.has(key)) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      if (!WRITABLE.has(key)) throw sdkError(`Method '${method}': ${key} is not supported`, 'notSupported', 0);
      out[key] = value;
    }
    return out;
  }

  async function create(method: string, props: object): Promise<MiroBoardItem> {
    return wrap((await call(method, propsFor(method, props))) as ItemData);
  }

  const idOf = (item: MiroItemRef | string) => (typeof item === 'string' ? item : item.id);
  const idsOf = (items: MiroItemRef | MiroItemRef[]) => (Array.isArray(items) ? items.map(idOf) : [idOf(items)]);

  function opened(kind: 'panel' | 'modal') {
    return {
      waitForClose: () => new Promise<never>((resolve) => closeWaiters[kind].push(resolve as (r: unknown) => void)),
    };
  }

  const ui: MiroBoardUI = {
    async openPanel(options) {
      await call('ui.openPanel', { ...options });
      return opened('panel');
    },
    canOpenPanel: () => call('ui.canOpenPanel') as Promise<boolean>,
    getPanelData: () => call('ui.getPanelData') as Promise<never>,
    async closePanel(result) {
      await call('ui.closePanel', result === undefined ? {} : { result });
    },
    async openModal(options) {
      await call('ui.openModal', { ...options });
      return opened('modal');
    },
    getModalData: () => call('ui.getModalData') as Promise<never>,
    async closeModal(result) {
      await call('ui.closeModal', result === undefined ? {} : { result });
    },
    canOpenModal: () => call('ui.canOpenModal') as Promise<boolean>,
    async on(event: string, handler: (payload: never) => void) {
      const listeners = handlers.get(event) ?? new Set();
      const first = listeners.size === 0;
      // Registered before the board answers, so a click that comes meanwhile is not lost.
      listeners.add(handler as (payload: unknown) => void);
      handlers.set(event, listeners);
      if (first) {
        try {
          // The board delivers events only once the server agreed, and asks it again for each one.
          await call('subscribe', { events: [event] });
        } catch (error) {
          listeners.delete(handler as (payload: unknown) => void);
          throw error;
        }
      }
    },
    async off(event: string, handler: (payload: never) => void) {
      handlers.get(event)?.delete(handler as (payload: unknown) => void);
    },
  };

  const board: MiroBoard = {
    getIdToken: () => call('getIdToken') as Promise<string>,
    getUserInfo: () => call('getUserInfo') as ReturnType<MiroBoard['getUserInfo']>,
    getInfo: () => call('getInfo') as ReturnType<MiroBoard['getInfo']>,
    getOnlineUsers: () => call('getOnlineUsers') as ReturnType<MiroBoard['getOnlineUsers']>,
    createStickyNote: (props = {}) => create('createStickyNote', props),
    createText: (props = {}) => create('createText', props),
    createShape: (props = {}) => create('createShape', props),
    createFrame: (props = {}) => create('createFrame', props),
    async get(filter = {}) {
      return wrapAll(await call('get', { ...filter }));
    },
    async getById(id) {
      return wrap((await call('getById', { id })) as ItemData);
    },
    async getSelection() {
      return wrapAll(await call('getSelection'));
    },
    async select(filter = {}) {
      return wrapAll(await call('select', { ...filter }));
    },
    async deselect(filter = {}) {
      return wrapAll(await call('deselect', { ...filter }));
    },
    async remove(item) {
      await call('remove', { id: idOf(item) });
    },
    sync: (item) => item.sync(),
    ui,
    viewport: {
      get: () => call('viewport.get') as Promise<MiroRect>,
      set: (options) => call('viewport.set', { ...options }) as Promise<MiroRect>,
      async zoomTo(items) {
        await call('viewport.zoomTo', { id: idsOf(items) });
      },
      getZoom: () => call('viewport.getZoom') as Promise<number>,
      async setZoom(zoomLevel) {
        await call('viewport.setZoom', { zoomLevel });
      },
    },
    notifications: {
      async showInfo(message) {
        await call('notifications.showInfo', { message });
      },
      async showError(message) {
        await call('notifications.showError', { message });
      },
      async show(options) {
        await call('notifications.show', { ...options });
      },
    },
    createCard(props = {}) {
      // Miro's `assignee.userId` is the card's assignee; `fillBackground` is a look Grantboard does not draw.
      const { assignee, style, ...rest } = props;
      return create('createCard', {
        ...rest,
        ...(assignee?.userId ? { assigneeId: assignee.userId } : {}),
        ...(style?.cardTheme ? { style: { cardTheme: style.cardTheme } } : {}),
      });
    },
    createAppCard(props = {}) {
      const { style, ...rest } = props;
      return create('createAppCard', {
        ...rest,
        ...(style?.cardTheme ? { style: { fillColor: style.cardTheme } } : {}),
      });
    },
    createImage: (props) => create('createImage', props),
    createEmbed: (props) => create('createEmbed', props),
    async createConnector(props) {
      const { start, end, shape, style, captions } = props;
      const params = Object.fromEntries(
        Object.entries({ start, end, shape, style, captions }).filter(([, value]) => value !== undefined),
      );
      return wrap((await call('createConnector', params)) as ItemData);
    },
    createTag: (props = {}) => create('createTag', props) as unknown as Promise<MiroTag>,
    createPreview: notSupported('createPreview'),
    createGroup: notSupported('createGroup'),
    group: notSupported('group'),
    getMetadata: (item, key) => call('getMetadata', key === undefined ? { id: idOf(item) } : { id: idOf(item), key }),
    setMetadata: (item, key, value) => call('setMetadata', { id: idOf(item), key, value }) as Promise<never>,
    getAppData: (key) => call('getAppData', key === undefined ? {} : { key }),
    setAppData: (key, value) => call('setAppData', { key, value }) as Promise<never>,
    async bringToFront(items) {
      await call('bringToFront', { id: idsOf(items) });
    },
    async sendToBack(items) {
      await call('sendToBack', { id: idsOf(items) });
    },
    bringInFrontOf: notSupported('bringInFrontOf'),
    sendBehindOf: notSupported('sendBehindOf'),
    getLayerIndex: notSupported('getLayerIndex'),
    goToLink: notSupported('goToLink'),
    findEmptySpace: notSupported('findEmptySpace'),
    // No timer or voting on Grantboard boards.
    canUse: async () => false,
    timer: unsupportedNamespace('timer'),
    collaboration: unsupportedNamespace('collaboration'),
    storage: unsupportedNamespace('storage'),
    events: unsupportedNamespace('events'),
    experimental: unsupportedNamespace('experimental'),
  };

  // Assigned through a cast: an app's own typings (Miro's) may declare the global too.
  (window as unknown as { miro: MiroSdk }).miro = {
    board,
    clientVersion: '2.17.2-grantboard',
    connected: host !== undefined && hostOrigin !== undefined,
  };
})();
