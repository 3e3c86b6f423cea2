import { ValidationError } from './errors.js';
import { type ItemBody, type ItemInput, type ItemTypeRules, round } from './item-rules.js';
import { CARD_RULES } from './item-types-cards.js';
import { MEDIA_RULES } from './item-types-media.js';

export type { ItemBody, ItemInput, ItemTypeRules } from './item-rules.js';

/** Item types with their own endpoints; `GET …/items` lists them all. */
export const ITEM_TYPES = [
  'sticky_note',
  'text',
  'shape',
  'frame',
  'card',
  'app_card',
  'image',
  'embed',
  'document',
  'doc_format',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

type Json = Record<string, unknown>;

// Sticky notes keep their shape's proportions (Miro's sizes); a request sets width or height.
const STICKY_SIZE = { square: { width: 199, height: 228 }, rectangle: { width: 350, height: 228 } } as const;

function stickyGeometry(shape: string, geometry: ItemInput['geometry'], currentWidth: number | null) {
  const size = STICKY_SIZE[shape === 'rectangle' ? 'rectangle' : 'square'];
  const ratio = size.height / size.width;
  if (geometry?.width !== undefined && geometry.height !== undefined) {
    // Miro: "You can set either the width or the height; you cannot set both."
    throw new ValidationError('Set either geometry.width or geometry.height of a sticky note, not both.', 'geometry');
  }
  if (geometry?.rotation !== undefined)
    throw new ValidationError('Sticky notes cannot be rotated.', 'geometry.rotation');
  let width = currentWidth ?? size.width;
  if (geometry?.width !== undefined) width = geometry.width;
  if (geometry?.height !== undefined) width = geometry.height / ratio;
  return { width: round(width), height: round(width * ratio), rotation: null };
}

const stickyNote: ItemTypeRules = {
  nestable: true,
  create(input) {
    const data = { content: '', shape: 'square', ...input.data };
    const style = { fillColor: 'light_yellow', textAlign: 'center', textAlignVertical: 'top', ...input.style };
    return { data, style, ...stickyGeometry(String(data.shape), input.geometry, null) };
  },
  update(current, input) {
    const data = { ...current.data, ...input.data };
    const style = { ...current.style, ...input.style };
    // A new shape without a new size keeps the width and takes the shape's proportions.
    return { data, style, ...stickyGeometry(String(data.shape), input.geometry, current.width) };
  },
};

/** Text grows downwards with its content: the height follows the width, font size and text. */
function textHeight(content: string, width: number, fontSize: number): number {
  const plain = content.replace(/<[^>]*>/g, '');
  const charsPerLine = Math.max(1, Math.floor(width / (fontSize * 0.55)));
  const lines = plain.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / charsPerLine)), 0);
  return round(lines * fontSize * 1.4);
}

function textBody(data: Json, style: Json, width: number, rotation: number): ItemBody {
  return {
    data,
    style,
    width: round(width),
    height: textHeight(String(data.content ?? ''), width, Number(style.fontSize)),
    rotation,
  };
}

function checkTextGeometry(geometry: ItemInput['geometry']): void {
  if (geometry?.height !== undefined)
    throw new ValidationError('The height of a text item follows its content; set only geometry.width.', 'geometry');
}

const text: ItemTypeRules = {
  nestable: true,
  create(input) {
    checkTextGeometry(input.geometry);
    const style = {
      color: '#1a1a1a',
      fillColor: 'transparent',
      fillOpacity: '1.0',
      fontFamily: 'arial',
      fontSize: '14',
      textAlign: 'left',
      ...input.style,
    };
    return textBody({ content: '', ...input.data }, style, input.geometry?.width ?? 320, input.geometry?.rotation ?? 0);
  },
  update(current, input) {
    checkTextGeometry(input.geometry);
    return textBody(
      { ...current.data, ...input.data },
      { ...current.style, ...input.style },
      input.geometry?.width ?? current.width ?? 320,
      input.geometry?.rotation ?? current.rotation ?? 0,
    );
  },
};

const shape: ItemTypeRules = {
  nestable: true,
  create(input) {
    const style = {
      fillColor: '#ffffff',
      fillOpacity: '1.0',
      fontFamily: 'arial',
      fontSize: '14',
      borderColor: '#1a1a1a',
      borderWidth: '2.0',
      borderOpacity: '1.0',
      borderStyle: 'normal',
      color: '#1a1a1a',
      textAlign: 'center',
      textAlignVertical: 'top',
      ...input.style,
    };
    return {
      data: { content: '', shape: 'rectangle', ...input.data },
      style,
      width: input.geometry?.width ?? 200,
      height: input.geometry?.height ?? 200,
      rotation: input.geometry?.rotation ?? 0,
    };
  },
  update(current, input) {
    return {
      data: { ...current.data, ...input.data },
      style: { ...current.style, ...input.style },
      width: input.geometry?.width ?? current.width,
      height: input.geometry?.height ?? current.height,
      rotation: input.geometry?.rotation ?? current.rotation ?? 0,
    };
  },
};

const frame: ItemTypeRules = {
  nestable: false,
  connectable: false,
  create(input) {
    if (input.geometry?.rotation !== undefined)
      throw new ValidationError('Frames cannot be rotated.', 'geometry.rotation');
    return {
      data: { format: 'custom', title: '', type: 'freeform', showContent: true, ...input.data },
      style: { fillColor: '#ffffffff', ...input.style },
      width: input.geometry?.width ?? 800,
      height: input.geometry?.height ?? 450,
      rotation: null,
    };
  },
  update(current, input) {
    if (input.geometry?.rotation !== undefined)
      throw new ValidationError('Frames cannot be rotated.', 'geometry.rotation');
    return {
      data: { ...current.data, ...input.data },
      style: { ...current.style, ...input.style },
      width: input.geometry?.width ?? current.width,
      height: input.geometry?.height ?? current.height,
      rotation: null,
    };
  },
};

export const ITEM_RULES: Record<ItemType, ItemTypeRules> = {
  sticky_note: stickyNote,
  text,
  shape,
  frame,
  ...CARD_RULES,
  ...MEDIA_RULES,
};
