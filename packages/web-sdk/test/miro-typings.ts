/**
 * The Web SDK's shapes against Miro's own typings (`@mirohq/websdk-types`, decision 17): an app
 * written against Miro's types must find every method of Miro's board on ours, and every call it
 * can write must type-check against ours. This file is checked by `npm run typecheck`; a missing or
 * misshapen method fails it. Nothing here runs.
 */
import type { Board, BoardUI, BoardViewport, Miro, Notifications } from '@mirohq/websdk-types';

type Ours = MiroSdk['board'];

/** `true` when nothing is left over, else the names that are. */
type None<T> = [T] extends [never] ? true : T;

// 1. Every member Miro's board, ui, viewport and notifications have, ours has.
export const boardHasEverything: None<Exclude<keyof Board, keyof Ours>> = true;
export const uiHasEverything: None<Exclude<keyof BoardUI, keyof Ours['ui']>> = true;
export const viewportHasEverything: None<Exclude<keyof BoardViewport, keyof Ours['viewport']>> = true;
export const notificationsHaveEverything: None<Exclude<keyof Notifications, keyof Ours['notifications']>> = true;
export const miroHasEverything: None<Exclude<keyof Miro, keyof MiroSdk>> = true;

/** Miro's arguments for a method are accepted by ours. */
type Takes<Theirs, Mine> = Theirs extends (...args: infer A) => unknown
  ? Mine extends (...args: infer B) => unknown
    ? A extends B
      ? true
      : { theirs: A; ours: B }
    : 'not a function'
  : 'not a function';

/** Our answer is usable where Miro's is expected (checked for the plain-data answers). */
type Gives<Theirs, Mine> = Theirs extends (...args: never[]) => Promise<infer R>
  ? Mine extends (...args: never[]) => Promise<infer S>
    ? S extends R
      ? true
      : { theirs: R; ours: S }
    : 'not async'
  : 'not async';

// 2. What Grantboard does takes Miro's arguments. (Overloads compare by their last signature.)
export const createStickyNote: Takes<Board['createStickyNote'], Ours['createStickyNote']> = true;
export const createShape: Takes<Board['createShape'], Ours['createShape']> = true;
export const createText: Takes<Board['createText'], Ours['createText']> = true;
export const createFrame: Takes<Board['createFrame'], Ours['createFrame']> = true;
export const getById: Takes<Board['getById'], Ours['getById']> = true;
export const remove: Takes<Board['remove'], Ours['remove']> = true;
export const openPanel: Takes<BoardUI['openPanel'], Ours['ui']['openPanel']> = true;
export const openModal: Takes<BoardUI['openModal'], Ours['ui']['openModal']> = true;
export const closePanel: Takes<BoardUI['closePanel'], Ours['ui']['closePanel']> = true;
export const closeModal: Takes<BoardUI['closeModal'], Ours['ui']['closeModal']> = true;
export const viewportSet: Takes<BoardViewport['set'], Ours['viewport']['set']> = true;
export const viewportZoomTo: Takes<BoardViewport['zoomTo'], Ours['viewport']['zoomTo']> = true;
export const setZoom: Takes<BoardViewport['setZoom'], Ours['viewport']['setZoom']> = true;
export const showInfo: Takes<Notifications['showInfo'], Ours['notifications']['showInfo']> = true;
export const showError: Takes<Notifications['showError'], Ours['notifications']['showError']> = true;

// 3. Plain-data answers have Miro's shape.
export const getInfo: Gives<Board['getInfo'], Ours['getInfo']> = true;
export const getUserInfo: Gives<Board['getUserInfo'], Ours['getUserInfo']> = true;
export const getOnlineUsers: Gives<Board['getOnlineUsers'], Ours['getOnlineUsers']> = true;
export const getIdToken: Gives<Board['getIdToken'], Ours['getIdToken']> = true;
export const viewportGet: Gives<BoardViewport['get'], Ours['viewport']['get']> = true;
export const getZoom: Gives<BoardViewport['getZoom'], Ours['viewport']['getZoom']> = true;
export const canOpenPanel: Gives<BoardUI['canOpenPanel'], Ours['ui']['canOpenPanel']> = true;

// 4. Calls copied from Miro's examples compile against ours, with Miro's event names.
export async function asMiroAppsCallIt(board: Ours): Promise<void> {
  board.ui.on('icon:click', async () => {
    await board.ui.openPanel({ url: 'app.html' });
  });
  board.ui.on('drop', async ({ x, y, target }) => {
    await board.createStickyNote({ content: target.textContent ?? '', x, y });
  });
  board.ui.on('experimental:items:update', ({ items }) => items.length);
  const selected = (await board.getSelection()).filter((item) => item.type === 'sticky_note');
  for (const note of selected) {
    await board.remove(note);
    await board.createShape({ content: note.content, x: note.x, y: note.y, width: note.width, height: note.height });
  }
  await board.ui.openModal({ url: 'modal.html', width: 600, height: 400, fullscreen: false, data: { a: 1 } });
  await board.viewport.set({ viewport: { x: 0, y: 0, width: 100, height: 100 } });
}
