/**
 * The board page's script (served from 'self'; the page allows no inline script): draws the items,
 * saves the user's changes through the board's JSON endpoints, picks up changes made elsewhere
 * (the REST API, other users), and hosts the running app's Web SDK bridge.
 */
import type { SdkEvent } from '@grantboard/protocol';
import { type AppHost, startAppHost } from './app-host.js';
import { BoardCanvas } from './board-canvas.js';
import { BoardRequestError, boardEndpoints, type SdkItem } from './board-items.js';

/** How often the page looks for changes made elsewhere, while it is visible. */
const REFRESH_MS = 3000;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

function start(): void {
  const root = byId('board');
  const canvasElement = byId('canvas');
  const world = byId('world');
  if (!root || !canvasElement || !world) return;
  const boardId = root.dataset.boardId ?? '';
  const canEdit = root.dataset.canEdit === 'true';
  const endpoints = boardEndpoints(boardId, root.dataset.csrf ?? '');
  const status = byId('status');
  const zoomLevel = byId('zoom-level');
  let host: AppHost | undefined;
  /** Until the first load, there is nothing to compare with. */
  let loaded = false;

  let sayTimer: ReturnType<typeof setTimeout> | undefined;
  /** A short notice over the canvas, gone after a few seconds (it is also read out: role=status). */
  const say = (message: string) => {
    if (!status) return;
    status.textContent = message;
    clearTimeout(sayTimer);
    if (message) sayTimer = setTimeout(() => (status.textContent = ''), 4000);
  };
  const failed = (what: string) => (error: unknown) => {
    say(`${what}: ${error instanceof BoardRequestError ? error.message : 'the server could not be reached.'}`);
    refresh().catch(() => {});
  };

  /** Draws a change and tells the running app, if it listens. */
  function changed(event: SdkEvent, items: SdkItem[]): void {
    if (event === 'items:delete') canvas.delete(items.map((item) => item.id));
    else canvas.put(items);
    host?.emit(event, items);
  }

  const canvas = new BoardCanvas(
    canvasElement,
    world,
    canEdit,
    {
      move: (item, x, y) => {
        endpoints
          .update(item.id, { x, y })
          .then((saved) => changed('items:update', [saved]))
          .catch(failed('The note was not moved'));
      },
      edit: (item, content) => {
        endpoints
          .update(item.id, { content })
          .then((saved) => {
            changed('items:update', [saved]);
            say('Sticky note saved.');
          })
          .catch(failed('The note was not saved'));
      },
      remove: (item) => {
        endpoints
          .remove(item.id)
          .then(() => {
            changed('items:delete', [item]);
            say('Sticky note deleted.');
            canvasElement.focus();
          })
          .catch(failed('The note was not deleted'));
      },
    },
    (zoom) => {
      if (zoomLevel) zoomLevel.textContent = `${Math.round(zoom * 100)}%`;
    },
  );

  /** Reconciles with the server: what appeared, changed or went since the last look. */
  async function refresh(): Promise<void> {
    if (!loaded) return;
    const { items } = await endpoints.list();
    const seen = new Set(items.map((item) => item.id));
    const created: SdkItem[] = [];
    const updated: SdkItem[] = [];
    for (const item of items) {
      const current = canvas.get(item.id);
      if (!current) created.push(item);
      else if (current.modifiedAt !== item.modifiedAt && !canvas.isBusy(item.id)) updated.push(item);
    }
    const deleted = canvas.all().filter((item) => !seen.has(item.id));
    if (created.length > 0) changed('items:create', created);
    if (updated.length > 0) changed('items:update', updated);
    if (deleted.length > 0) changed('items:delete', deleted);
  }

  byId('add-note')?.addEventListener('click', () => {
    const centre = canvas.viewCentre();
    endpoints
      .createStickyNote({ content: '', x: centre.x, y: centre.y })
      .then((item) => {
        changed('items:create', [item]);
        say('Sticky note added. Press Enter to write on it.');
        canvas.focusItem(item.id);
      })
      .catch(failed('The note was not added'));
  });
  byId('zoom-in')?.addEventListener('click', () => canvas.zoomBy(1.25));
  byId('zoom-out')?.addEventListener('click', () => canvas.zoomBy(0.8));
  byId('zoom-fit')?.addEventListener('click', () => canvas.fit());

  const frame = byId<HTMLIFrameElement>('app-frame');
  if (frame?.dataset.appId && frame.dataset.appOrigin) {
    host = startAppHost({
      frame,
      appId: frame.dataset.appId,
      appOrigin: frame.dataset.appOrigin,
      endpoints,
      findItem: (id) => canvas.get(id),
      onItemsChanged: (event, items) => {
        changed(event, items);
        if (event !== 'items:delete') canvas.reveal(items);
      },
      onRefused: (reason) => console.warn(reason),
    });
  }

  endpoints
    .list()
    .then(({ items }) => {
      canvas.put(items);
      canvas.fit();
      loaded = true;
      say(items.length === 0 ? 'This board is empty.' : '');
    })
    .catch(failed('The board could not be loaded'));
  setInterval(() => {
    if (document.visibilityState === 'visible') refresh().catch(() => {});
  }, REFRESH_MS);
}

start();
