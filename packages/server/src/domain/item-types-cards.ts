import { freeGeometry, type ItemTypeRules, merged } from './item-rules.js';

/** Miro's card size on the board. */
const CARD_SIZE = { width: 320, height: 94, rotation: 0 };

/** Cards: a title, a description, an assignee and a due date; the theme colours the border. */
const card: ItemTypeRules = {
  nestable: true,
  create(input) {
    return {
      data: merged({ title: '', description: '' }, input.data),
      style: merged({ cardTheme: '#2d9bf0' }, input.style),
      ...freeGeometry(input.geometry, CARD_SIZE),
    };
  },
  update(current, input) {
    return {
      data: merged(current.data, input.data),
      style: merged(current.style, input.style),
      ...freeGeometry(input.geometry, current),
    };
  },
};

/**
 * App cards: cards an app keeps in sync with a source of its own, with preview fields and a
 * connection status. Whether the reading app owns the card is told at the edge (`owned`), from the
 * app that created it.
 */
const appCard: ItemTypeRules = {
  nestable: true,
  create(input) {
    return {
      data: merged({ title: 'sample app card item', description: '', fields: [], status: 'disconnected' }, input.data),
      style: merged({ fillColor: '#2d9bf0' }, input.style),
      ...freeGeometry(input.geometry, CARD_SIZE),
    };
  },
  update(current, input) {
    return {
      data: merged(current.data, input.data),
      style: merged(current.style, input.style),
      ...freeGeometry(input.geometry, current),
    };
  },
};

export const CARD_RULES = { card, app_card: appCard } as const;
