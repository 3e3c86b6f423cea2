import { ValidationError } from './errors.js';

/**
 * Images by data URL, as Miro's Web SDK takes them (`createImage({ url: 'data:image/png;base64,…' })`).
 * The image is stored as given, in the item's `imageUrl`, so it is as durable as the item and needs
 * no file store; hence a cap. Miro documents data URLs for `createImage` without a size; Grantboard
 * takes up to 1 MiB of image, in the formats a board draws: PNG, JPEG, GIF, WebP and SVG.
 */
export const MAX_IMAGE_DATA_BYTES = 1024 * 1024;

const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;

/** The longest data URL that can hold `MAX_IMAGE_DATA_BYTES`: the prefix and the base64 text (4 per 3 bytes). */
export const MAX_IMAGE_DATA_URL_LENGTH = 'data:image/svg+xml;base64,'.length + Math.ceil(MAX_IMAGE_DATA_BYTES / 3) * 4;

const DATA_URL = /^data:([a-z+/]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** Whether the bytes start as the declared type does (so a board never shows one type as another). */
function looksLike(type: (typeof TYPES)[number], bytes: Buffer): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (type) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/gif':
      return (
        bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a'
      );
    case 'image/webp':
      return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
    case 'image/svg+xml': {
      // Drawn in an <img>, an SVG runs no script; it must still be an SVG document.
      const head = bytes
        .subarray(0, 1024)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trimStart();
      return head.startsWith('<') && /<svg[\s>]/.test(bytes.toString('utf8'));
    }
  }
}

/** Checks an image data URL; a sentence naming what is wrong when it does not fit. */
export function checkImageDataUrl(url: string, field = 'url'): void {
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
  if (!looksLike(type, bytes)) throw new ValidationError(`The image data is not ${type}.`, field);
}
