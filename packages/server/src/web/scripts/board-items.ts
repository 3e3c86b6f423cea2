/**
 * The board page's link to its server: same-origin JSON endpoints, authenticated by the session
 * cookie and the session's CSRF token in a header. The page never holds an OAuth token.
 */
import type { SdkErrorBody, SdkEventDelivery, SdkItem, SdkTag } from '@grantboard/protocol';

export type { SdkItem, SdkTag };

export class BoardRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BoardEndpoints {
  /** `order`: the item ids from the bottom of the drawing order to the top. */
  list(): Promise<{ items: SdkItem[]; tags: SdkTag[]; order: string[]; canEdit: boolean }>;
  createStickyNote(props: Record<string, unknown>): Promise<SdkItem>;
  update(itemId: string, changes: Record<string, unknown>): Promise<SdkItem>;
  remove(itemId: string): Promise<void>;
  /** Forwards one Web SDK call of an app to the server, which checks installation, scope and role. */
  sdk(appId: string, method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Asks the server whether an event may reach an app frame now; it answers with the payload to post. */
  deliver(appId: string, delivery: SdkEventDelivery): Promise<Record<string, unknown>>;
}

export function boardEndpoints(boardId: string, csrf: string): BoardEndpoints {
  const base = `/app/board/${encodeURIComponent(boardId)}`;

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => ({}))) as Partial<SdkErrorBody> & T;
    if (!response.ok) {
      throw new BoardRequestError(
        response.status,
        String(payload.code ?? 'error'),
        String(payload.message ?? `The server answered ${response.status}.`),
      );
    }
    return payload;
  }

  return {
    list: () => request('GET', '/items'),
    createStickyNote: (props) => request('POST', '/sticky_notes', props),
    update: (itemId, changes) => request('PATCH', `/items/${encodeURIComponent(itemId)}`, changes),
    remove: (itemId) => request('DELETE', `/items/${encodeURIComponent(itemId)}`),
    async sdk(appId, method, params) {
      const answer = await request<{ result: unknown }>('POST', `/apps/${encodeURIComponent(appId)}/sdk`, {
        method,
        params,
      });
      return answer.result;
    },
    async deliver(appId, delivery) {
      const answer = await request<{ payload: Record<string, unknown> }>(
        'POST',
        `/apps/${encodeURIComponent(appId)}/events`,
        delivery,
      );
      return answer.payload;
    },
  };
}

/** Item text as plain text: Miro's content may hold simple HTML, which is never rendered as markup. */
export function plainText(content: string | undefined): string {
  if (!content) return '';
  // DOMParser documents are inert: nothing in them loads or runs.
  return new DOMParser().parseFromString(content, 'text/html').body.textContent ?? '';
}
