/**
 * The board page's half of the Web SDK bridge, one per app frame (headless, panel or modal). The
 * shell hands it a message only when it comes from this frame's window AND from the app's exact
 * origin, and it posts only to that origin (RFC 9700 §4.17). Each call goes to the server, which
 * decides it against the installation's scopes and the user's board role; each event is delivered
 * only after the server agreed, with the payload the server read. The frame never holds a token.
 */
import type {
  SdkEvent,
  SdkEventDelivery,
  SdkFrameKind,
  SdkHostMessage,
  SdkItem,
  SdkRequestMessage,
} from '@grantboard/protocol';
import { type BoardEndpoints, BoardRequestError } from './board-items.js';

export interface ShellApp {
  id: string;
  name: string;
  origin: string;
  /** The App URL: the headless page, and the base of relative panel and modal addresses. */
  url: string;
  sandbox: string;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the board page does for an app once the server agreed to a call. */
export interface ShellPage {
  selection(): string[];
  select(ids: string[]): void;
  deselect(ids: string[]): void;
  viewport(): Rect;
  setViewport(rect: Rect): Rect;
  zoom(): number;
  setZoom(zoom: number): void;
  zoomTo(items: SdkItem[]): void;
  notify(type: 'info' | 'error', message: string): void;
  /** Told about every change an app made, so the board shows it (and other frames hear of it). */
  itemsChanged(event: SdkEvent, items: SdkItem[]): void;
  findItem(id: string): SdkItem | undefined;
  /** Items moved to the top or the bottom of the drawing order. */
  restack(ids: string[], edge: 'front' | 'back'): void;
  /** An app created, changed or removed a tag: the page reads the board's tags again. */
  tagsChanged(): void;
  openPanel(opener: AppHost, url: string, height: number | undefined, data: unknown): void;
  closePanel(app: ShellApp, result: unknown): void;
  openModal(
    opener: AppHost,
    url: string,
    options: { width?: number; height?: number; fullscreen?: boolean },
    data: unknown,
  ): void;
  closeModal(app: ShellApp, result: unknown): void;
  /** A press in this frame began a drag (`start`) or ended it (`end`: true if the page had not dropped it yet). */
  dragging(host: AppHost, state: 'start' | 'end'): boolean;
  /** A point in the page's viewport as a board point, if it is over the canvas. */
  boardPoint(clientX: number, clientY: number): { x: number; y: number } | undefined;
}

const CREATES = new Set([
  'createStickyNote',
  'createText',
  'createShape',
  'createFrame',
  'createCard',
  'createAppCard',
  'createImage',
  'createEmbed',
]);

/** `Omit` over each member of a union, so each message keeps its own fields. */
type WithoutSource<T> = T extends unknown ? Omit<T, 'source'> : never;

export function isCall(data: unknown): data is SdkRequestMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return (
    message.source === 'grantboard-sdk' &&
    Number.isSafeInteger(message.id) &&
    typeof message.method === 'string' &&
    (message.params === undefined || (typeof message.params === 'object' && message.params !== null))
  );
}

/** Any message the SDK sends (a call, the hello, a drag). */
export function isSdkMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>).source === 'grantboard-sdk';
}

export class AppHost {
  private readonly subscribed = new Set<SdkEvent>();
  /** A click on the app's icon before its page listened for it (it was still loading). */
  private pendingClick = false;

  constructor(
    readonly frame: HTMLIFrameElement,
    readonly kind: SdkFrameKind,
    readonly app: ShellApp,
    /** What `getPanelData()` / `getModalData()` answer in this frame. */
    private readonly data: unknown,
    private readonly endpoints: BoardEndpoints,
    private readonly page: ShellPage,
    /** The frame that opened this one, told when it closes (`waitForClose`). */
    readonly opener: AppHost | undefined,
  ) {}

  /** Posts to the app's origin only: if the frame navigated elsewhere, the browser drops it. */
  post(message: WithoutSource<SdkHostMessage>): void {
    this.frame.contentWindow?.postMessage({ source: 'grantboard-host', ...message }, this.app.origin);
  }

  /** A message from this frame's window and the app's origin (the shell checked both). */
  receive(data: unknown): void {
    const message = data as Record<string, unknown>;
    if ('hello' in message) {
      this.post({ ready: true, kind: this.kind });
      return;
    }
    if (message.drag === 'start' || message.drag === 'cancel') {
      this.page.dragging(this, message.drag === 'start' ? 'start' : 'end');
      return;
    }
    if (message.drag === 'drop' && typeof message.x === 'number' && typeof message.y === 'number') {
      // The frame heard the release itself (same site); unless the page already dropped it.
      if (!this.page.dragging(this, 'end')) return;
      const box = this.frame.getBoundingClientRect();
      this.drop(box.left + message.x, box.top + message.y);
      return;
    }
    if (!isCall(data)) return;
    void this.answer(data.id, data.method, data.params ?? {});
  }

  /** A drag from this frame was released at this point of the page: a drop, if it is over the board. */
  drop(clientX: number, clientY: number): void {
    const point = this.page.boardPoint(clientX, clientY);
    if (point) void this.deliver({ event: 'drop', x: Math.round(point.x), y: Math.round(point.y) });
  }

  /** Delivers an event if this frame listens for it, once the server agreed; the payload is the server's. */
  async deliver(delivery: SdkEventDelivery): Promise<void> {
    if (!this.subscribed.has(delivery.event)) {
      if (delivery.event === 'icon:click') this.pendingClick = true;
      return;
    }
    try {
      const payload = await this.endpoints.deliver(this.app.id, delivery);
      const items = payload.items;
      if (Array.isArray(items) && items.length === 0 && delivery.event !== 'selection:update') return;
      // A click on an app card reaches only the app that made it: the server answers the others nothing.
      if (delivery.event.startsWith('app_card:') && payload.appCard === undefined) return;
      this.post({ event: delivery.event, payload });
    } catch (error) {
      // Uninstalled, a scope removed, the app deleted: nothing reaches the frame.
      console.warn(`Did not deliver ${delivery.event} to ${this.app.name}: ${(error as Error).message}`);
    }
  }

  /** The opener hears that the panel or modal it opened has closed, with its result. */
  closed(kind: 'panel' | 'modal', result: unknown): void {
    this.post({ closed: kind, result });
  }

  /** What the app's call becomes on the way to the server (addresses made absolute, the selection added). */
  private prepare(method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (method === 'getSelection') return { id: this.page.selection() };
    if ((method === 'ui.openPanel' || method === 'ui.openModal') && typeof params.url === 'string') {
      let url = params.url;
      try {
        url = new URL(params.url, this.frame.src).href;
      } catch {
        // The server refuses it with a sentence.
      }
      return { ...params, url };
    }
    return params;
  }

  private async answer(id: number, method: string, params: Record<string, unknown>): Promise<void> {
    const removed = method === 'remove' && typeof params.id === 'string' ? this.page.findItem(params.id) : undefined;
    try {
      const checked = await this.endpoints.sdk(this.app.id, method, this.prepare(method, params));
      const result = this.carryOut(method, checked, removed);
      this.post({ id, result });
    } catch (error) {
      const failure =
        error instanceof BoardRequestError
          ? { status: error.status, code: error.code, message: error.message }
          : { status: 0, code: 'networkError', message: 'The board could not reach the server.' };
      this.post({ id, error: failure });
    }
  }

  /** The page's part of a call the server agreed to; returns what the app gets. */
  private carryOut(method: string, checked: unknown, removed: SdkItem | undefined): unknown {
    const params = (checked ?? {}) as Record<string, unknown>;
    const page = this.page;
    if (CREATES.has(method)) page.itemsChanged('items:create', [checked as SdkItem]);
    switch (method) {
      case 'subscribe': {
        for (const event of (checked as { events: SdkEvent[] }).events) this.subscribed.add(event);
        if (this.pendingClick && this.subscribed.has('icon:click')) {
          this.pendingClick = false;
          void this.deliver({ event: 'icon:click' });
        }
        return checked;
      }
      case 'bringToFront':
      case 'sendToBack':
        page.restack((checked as { id: string[] }).id, method === 'bringToFront' ? 'front' : 'back');
        return null;
      case 'createTag':
        page.tagsChanged();
        return checked;
      case 'sync':
        if ((checked as SdkItem).type === 'tag') page.tagsChanged();
        else page.itemsChanged('experimental:items:update', [checked as SdkItem]);
        return checked;
      case 'remove':
        if (removed) page.itemsChanged('items:delete', [removed]);
        else page.tagsChanged();
        return null;
      case 'select':
        page.select((checked as SdkItem[]).map((item) => item.id));
        return checked;
      case 'deselect':
        page.deselect((checked as SdkItem[]).map((item) => item.id));
        return checked;
      case 'viewport.get':
        return page.viewport();
      case 'viewport.set':
        return page.setViewport(params.viewport as Rect);
      case 'viewport.zoomTo':
        page.zoomTo(checked as SdkItem[]);
        return null;
      case 'viewport.getZoom':
        return page.zoom();
      case 'viewport.setZoom':
        page.setZoom(params.zoomLevel as number);
        return null;
      case 'notifications.showInfo':
        page.notify('info', String(params.message));
        return null;
      case 'notifications.showError':
        page.notify('error', String(params.message));
        return null;
      case 'notifications.show':
        page.notify(params.type === 'error' ? 'error' : 'info', String(params.message));
        return null;
      case 'ui.openPanel':
        page.openPanel(this, String(params.url), params.height as number | undefined, params.data);
        return null;
      case 'ui.openModal':
        page.openModal(
          this,
          String(params.url),
          {
            ...(typeof params.width === 'number' ? { width: params.width } : {}),
            ...(typeof params.height === 'number' ? { height: params.height } : {}),
            ...(typeof params.fullscreen === 'boolean' ? { fullscreen: params.fullscreen } : {}),
          },
          params.data,
        );
        return null;
      case 'ui.closePanel':
        page.closePanel(this.app, params.result);
        return null;
      case 'ui.closeModal':
        page.closeModal(this.app, params.result);
        return null;
      case 'ui.getPanelData':
        return this.kind === 'panel' ? (this.data ?? null) : null;
      case 'ui.getModalData':
        return this.kind === 'modal' ? (this.data ?? null) : null;
      case 'ui.canOpenPanel':
      case 'ui.canOpenModal':
        return true;
      default:
        return checked;
    }
  }
}
