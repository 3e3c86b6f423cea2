/**
 * The board page's script (served from 'self'; the page allows no inline script): draws the items,
 * saves the user's changes through the board's JSON endpoints, picks up changes made elsewhere
 * (the REST API, other users), and hosts the running app's Web SDK bridge.
 */
import type { SdkEvent } from '@grantboard/protocol';
import { type AppShell, startAppShell } from './app-shell.js';
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
  let shell: AppShell | undefined;
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

  /** Draws a change and offers it to the app frames (the server decides who may hear of it). */
  function changed(event: SdkEvent, items: SdkItem[]): void {
    if (items.length === 0) return;
    if (event === 'items:delete') {
      canvas.delete(items.map((item) => item.id));
      shell?.emit({ event, deleted: items.map((item) => ({ id: item.id, type: item.type })) });
    } else {
      canvas.put(items);
      shell?.emit({ event, itemIds: items.map((item) => item.id) });
    }
  }

  const canvas = new BoardCanvas(
    canvasElement,
    world,
    canEdit,
    {
      move: (item, x, y) => {
        endpoints
          .update(item.id, { x, y })
          .then((saved) => changed('experimental:items:update', [saved]))
          .catch(failed('The note was not moved'));
      },
      edit: (item, content) => {
        endpoints
          .update(item.id, { content })
          .then((saved) => {
            changed('experimental:items:update', [saved]);
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
    (selected) => shell?.emit({ event: 'selection:update', itemIds: selected }),
    // Offered to every app frame; the server delivers it to the app that made the card only.
    (id, action) => shell?.emit({ event: action === 'open' ? 'app_card:open' : 'app_card:connect', itemIds: [id] }),
  );

  /** Reconciles with the server: what appeared, changed or went since the last look. */
  async function refresh(): Promise<void> {
    if (!loaded) return;
    const { items, tags, order } = await endpoints.list();
    canvas.setTags(tags);
    canvas.setOrder(order);
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
    if (updated.length > 0) changed('experimental:items:update', updated);
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

  const notice = byId('app-notice');
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  shell = startAppShell(endpoints, {
    selection: () => canvas.selected(),
    select: (ids) => canvas.select(ids, true),
    deselect: (ids) => canvas.deselect(ids),
    viewport: () => canvas.viewport(),
    setViewport: (rect) => canvas.setViewport(rect),
    zoom: () => canvas.zoomLevel(),
    setZoom: (zoom) => canvas.setZoom(zoom),
    zoomTo: (items) => canvas.zoomTo(items.map((item) => item.id)),
    notify(type, message) {
      if (!notice) return;
      notice.textContent = message;
      notice.className = `app-notice ${type}`;
      notice.hidden = false;
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => (notice.hidden = true), 6000);
    },
    itemsChanged: (event, items) => {
      changed(event, items);
      if (event !== 'items:delete') canvas.reveal(items);
    },
    findItem: (id) => canvas.get(id),
    restack: (ids, edge) => canvas.restack(ids, edge),
    tagsChanged: () => {
      refresh().catch(() => {});
    },
    boardPoint: (clientX, clientY) => canvas.boardPoint(clientX, clientY),
  });

  endpoints
    .list()
    .then(({ items, tags, order }) => {
      canvas.setTags(tags);
      canvas.setOrder(order);
      canvas.put(items);
      canvas.fit();
      loaded = true;
      say(items.length === 0 ? 'This board is empty.' : '');
      // Opened with `?app=`: as if the user clicked the app's icon.
      const requested = root.dataset.openApp;
      if (requested) shell?.click(requested);
    })
    .catch(failed('The board could not be loaded'));
  setInterval(() => {
    if (document.visibilityState === 'visible') refresh().catch(() => {});
  }, REFRESH_MS);
}

start();
