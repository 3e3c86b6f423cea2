import { randomBytes, randomInt } from 'node:crypto';

const MIN = 3_000_000_000_000_000_000n;
const SPAN = 6_000_000_000_000_000_000n;

/**
 * A numeric-string id in Miro's style (19 digits, e.g. `3458764517517819000`). Ids are strings on
 * the wire: they exceed JavaScript's safe integers.
 */
export function numericId(): string {
  return (MIN + (randomBytes(8).readBigUInt64BE() % SPAN)).toString();
}

const BOARD_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A board id in Miro's style: `uXjV` followed by random characters and `=`. */
export function boardId(): string {
  let id = 'uXjV';
  for (let i = 0; i < 7; i++) id += BOARD_ID_CHARS[randomInt(BOARD_ID_CHARS.length)];
  return `${id}=`;
}

/** A client id (and any numeric id the server issues) is 1 to 30 digits; anything else is not looked up. */
export function isNumericId(value: string): boolean {
  return /^\d{1,30}$/.test(value);
}

/** An uploaded file's id: 256 random bits, base64url, so that its address cannot be guessed. */
export function fileId(): string {
  return randomBytes(32).toString('base64url');
}
