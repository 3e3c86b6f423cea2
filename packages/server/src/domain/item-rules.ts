import { ValidationError } from './errors.js';

type Json = Record<string, unknown>;

/** A create or update request for an item, once the edge has checked its shape. */
export interface ItemInput {
  data?: Json;
  style?: Json;
  position?: { x?: number; y?: number };
  geometry?: { width?: number; height?: number; rotation?: number };
  parent?: { id: string };
}

/** What an item type stores besides position and parent. */
export interface ItemBody {
  data: Json;
  style: Json;
  width: number | null;
  height: number | null;
  rotation: number | null;
}

export interface ItemTypeRules {
  /** Whether the item may sit in a frame. */
  nestable: boolean;
  /** Whether a connector may end at the item (Miro: "Frames are not supported"). */
  connectable?: boolean;
  /** The stored body of a new item: the request over the type's defaults. */
  create(input: ItemInput): ItemBody;
  /** The stored body after an update: the request over what is stored; no defaults come back. */
  update(current: ItemBody, input: ItemInput): ItemBody;
}

export const round = (value: number) => Math.round(value * 100) / 100;

/** Width, height and rotation as sent, over the defaults or what is stored. */
export function freeGeometry(
  geometry: ItemInput['geometry'],
  base: { width: number | null; height: number | null; rotation: number | null },
) {
  return {
    width: geometry?.width ?? base.width,
    height: geometry?.height ?? base.height,
    rotation: geometry?.rotation ?? base.rotation ?? 0,
  };
}

/**
 * Items that keep their proportions (images, documents, embeds): Miro's `FixedRatioGeometry` takes
 * the width or the height, never both, and the other side follows the stored ratio.
 */
export function fixedRatioGeometry(
  noun: string,
  geometry: ItemInput['geometry'],
  base: { width: number; height: number; rotation: number | null },
  rotates: boolean,
) {
  if (geometry?.width !== undefined && geometry.height !== undefined) {
    throw new ValidationError(`Set either geometry.width or geometry.height of ${noun}, not both.`, 'geometry');
  }
  if (!rotates && geometry?.rotation !== undefined) {
    throw new ValidationError(`${noun[0]!.toUpperCase()}${noun.slice(1)} cannot be rotated.`, 'geometry.rotation');
  }
  const ratio = base.height / base.width;
  let width = base.width;
  if (geometry?.width !== undefined) width = geometry.width;
  if (geometry?.height !== undefined) width = geometry.height / ratio;
  return {
    width: round(width),
    height: round(width * ratio),
    rotation: rotates ? (geometry?.rotation ?? base.rotation ?? 0) : null,
  };
}

/** Fields of `data` set to undefined are dropped, so an update never stores a hole. */
export function merged(...parts: (Json | undefined)[]): Json {
  const out: Json = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part ?? {})) if (value !== undefined) out[key] = value;
  }
  return out;
}
