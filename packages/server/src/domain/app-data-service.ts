import type { Actor } from './board-roles.js';
import { requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ItemService } from './item-service.js';
import type { ServiceContext } from './service-context.js';

/** Miro's limit on what an app stores with one item or board, per key here (JSON characters). */
export const APP_DATA_VALUE_MAX = 6000;
const KEY_MAX = 100;

function checkEntry(key: string, value: unknown): void {
  if (key.length === 0 || key.length > KEY_MAX) {
    throw new ValidationError(`A metadata key is 1 to ${KEY_MAX} characters long.`, 'key');
  }
  if (value === undefined) throw new ValidationError('A metadata value is needed (null removes the key).', 'value');
  if (JSON.stringify(value).length > APP_DATA_VALUE_MAX) {
    throw new ValidationError(`A metadata value is at most ${APP_DATA_VALUE_MAX} characters of JSON.`, 'value');
  }
}

/**
 * What a Web SDK app keeps with items (`getMetadata` / `setMetadata`) and boards (`getAppData` /
 * `setAppData`). Each app sees only its own (the actor's app). Reading needs read access to the
 * board, writing an editor's role, as for the items themselves.
 */
export function appDataService({ repos, clock }: ServiceContext, boards: BoardService, items: ItemService) {
  return {
    async ofItem(actor: Actor, boardId: string, itemId: string): Promise<Record<string, unknown>> {
      await items.get(actor, boardId, itemId);
      return repos.appData.all({ itemId }, actor.appId);
    },

    async setOnItem(actor: Actor, boardId: string, itemId: string, key: string, value: unknown) {
      checkEntry(key, value);
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'change item metadata');
      await items.get(actor, boardId, itemId);
      if (!(await repos.appData.set({ itemId }, actor.appId, key, value, clock.now()))) {
        throw new NotFoundError(`Item ${itemId} was deleted while its metadata was being saved.`);
      }
      return repos.appData.all({ itemId }, actor.appId);
    },

    async ofBoard(actor: Actor, boardId: string): Promise<Record<string, unknown>> {
      await boards.open(actor, boardId);
      return repos.appData.all({ boardId }, actor.appId);
    },

    async setOnBoard(actor: Actor, boardId: string, key: string, value: unknown) {
      checkEntry(key, value);
      const access = await boards.open(actor, boardId);
      requireRole(access, 'editor', 'change app data');
      if (!(await repos.appData.set({ boardId }, actor.appId, key, value, clock.now()))) {
        throw new NotFoundError(`Board ${boardId} was deleted while the app data was being saved.`);
      }
      return repos.appData.all({ boardId }, actor.appId);
    },
  };
}

export type AppDataService = ReturnType<typeof appDataService>;
