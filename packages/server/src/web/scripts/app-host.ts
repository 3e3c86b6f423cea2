/**
 * The board page's half of the Web SDK bridge. It accepts a message only when it comes from the
 * app's iframe window AND from the app's exact origin, and posts only to that origin (RFC 9700
 * §4.17). Each call goes to the server, which decides it against the installation's scopes and
 * the user's board role; the iframe gets the answer, never a token (other than the id token).
 */
import type { SdkEvent, SdkItem } from '@grantboard/protocol';
import { type BoardEndpoints, BoardRequestError } from './board-items.js';

export interface AppHostOptions {
  frame: HTMLIFrameElement;
  appId: string;
  appOrigin: string;
  endpoints: BoardEndpoints;
  /** The board's copy of an item, to report what an app removed. */
  findItem(id: string): SdkItem | undefined;
  /** Told about every change an app made, so the board shows it at once. */
  onItemsChanged(event: SdkEvent, items: SdkItem[]): void;
  /** Tells the user about a message that was refused (for the status line). */
  onRefused?(reason: string): void;
}

export interface AppHost {
  /** Sends an item event to the app, if it subscribed (the server checked its scope then). */
  emit(event: SdkEvent, items: SdkItem[]): void;
  stop(): void;
}

const CHANGES: Record<string, SdkEvent> = {
  createStickyNote: 'items:create',
  sync: 'items:update',
};

function isCall(data: unknown): data is { id: number; method: string; params?: Record<string, unknown> } {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return (
    message.source === 'grantboard-sdk' &&
    Number.isSafeInteger(message.id) &&
    typeof message.method === 'string' &&
    (message.params === undefined || (typeof message.params === 'object' && message.params !== null))
  );
}

/** The SDK's hello: it holds its calls until the board answers. */
function isHello(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as Record<string, unknown>).source === 'grantboard-sdk' &&
    'hello' in data
  );
}

export function startAppHost(options: AppHostOptions): AppHost {
  const { frame, appOrigin, endpoints } = options;
  const subscribed = new Set<SdkEvent>();

  /** Posts to the app's origin only: if the frame navigated elsewhere, the browser drops it. */
  function post(message: unknown): void {
    frame.contentWindow?.postMessage(message, appOrigin);
  }

  async function answer(id: number, method: string, params: Record<string, unknown>, removed: SdkItem | undefined) {
    try {
      const result = await endpoints.sdk(options.appId, method, params);
      if (method === 'subscribe') {
        for (const event of (result as { events: SdkEvent[] }).events) subscribed.add(event);
      }
      post({ source: 'grantboard-host', id, result });
      const change = CHANGES[method];
      if (change) options.onItemsChanged(change, [result as SdkItem]);
      if (method === 'remove' && removed) options.onItemsChanged('items:delete', [removed]);
    } catch (error) {
      const failure =
        error instanceof BoardRequestError
          ? { status: error.status, code: error.code, message: error.message }
          : { status: 0, code: 'networkError', message: 'The board could not reach the server.' };
      post({ source: 'grantboard-host', id, error: failure });
    }
  }

  function onMessage(event: MessageEvent): void {
    // Both checks: the window (not another frame or tab) and the origin (not a page the frame navigated to).
    if (event.source !== frame.contentWindow || event.origin !== appOrigin) {
      if (isCall(event.data) || isHello(event.data))
        options.onRefused?.(`Ignored a Web SDK message from ${event.origin}.`);
      return;
    }
    if (isHello(event.data)) {
      post({ source: 'grantboard-host', ready: true });
      return;
    }
    if (!isCall(event.data)) return;
    const { id, method, params = {} } = event.data;
    const removed = method === 'remove' && typeof params.id === 'string' ? options.findItem(params.id) : undefined;
    void answer(id, method, params, removed);
  }

  window.addEventListener('message', onMessage);
  return {
    emit(event, items) {
      if (subscribed.has(event) && items.length > 0) post({ source: 'grantboard-host', event, items });
    },
    stop() {
      window.removeEventListener('message', onMessage);
    },
  };
}
