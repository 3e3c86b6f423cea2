import { ValidationError } from './errors.js';
import { sniffFileType } from './file-types.js';

/**
 * Images by data URL, as Miro's Web SDK takes them (`createImage({ url: 'data:image/png;base64,…' })`).
 * The image becomes the item's file, as an upload does (docs/api.md): `imageUrl` is then the file's
 * address. Miro documents data URLs for `createImage` without a size; Grantboard takes up to 1 MiB
 * of image (an SDK call is one JSON body), in the formats a board draws: PNG, JPEG, GIF, WebP and SVG.
 */
export const MAX_IMAGE_DATA_BYTES = 1024 * 1024;

const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;

/** The longest data URL that can hold `MAX_IMAGE_DATA_BYTES`: the prefix and the base64 text (4 per 3 bytes). */
export const MAX_IMAGE_DATA_URL_LENGTH = 'data:image/svg+xml;base64,'.length + Math.ceil(MAX_IMAGE_DATA_BYTES / 3) * 4;

const DATA_URL = /^data:([a-z+/]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/**
 * The image a data URL holds, checked: a sentence naming what is wrong when it does not fit. The
 * bytes must be what the URL declares (so a board never shows one type as another).
 */
export function imageDataUrlBytes(url: string, field = 'url'): Buffer {
  if (url.length > MAX_IMAGE_DATA_URL_LENGTH) {
    throw new ValidationError(`An image data URL holds at most ${MAX_IMAGE_DATA_BYTES} bytes of image.`, field);
  }
  const match = DATA_URL.exec(url);
  if (!match) {
    throw new ValidationError('An image data URL must be data:<type>;base64,<data>.', field);
  }
  const type = match[1] as (typeof TYPES)[number];
  if (!TYPES.includes(type)) {
    throw new ValidationError(`An image data URL must be one of ${TYPES.join(', ')}, not ${type}.`, field);
  }
  const bytes = Buffer.from(match[2] ?? '', 'base64');
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_DATA_BYTES) {
    throw new ValidationError(`An image data URL holds between 1 and ${MAX_IMAGE_DATA_BYTES} bytes of image.`, field);
  }
  if (sniffFileType('image', bytes)?.mediaType !== type)
    throw new ValidationError(`The image data is not ${type}.`, field);
  return bytes;
}
