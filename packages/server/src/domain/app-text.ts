import type { AppIdentity } from '../storage/repositories/apps.js';

/**
 * Rules for the texts an app shows users (its name, its description). The consent page puts them in
 * front of someone deciding whether to trust the app, so characters that change how the text around
 * them reads, or that cannot be seen, are refused: bidi overrides and isolates (a name that displays
 * as another, Unicode TR 36 §2.3), zero-width and other format characters, control characters,
 * private-use and unassigned code points, and whitespace that only looks like a space
 * (docs/security.md).
 */
const HIDDEN =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\u00a0\u115f\u1160\u1680\u180e\u2000-\u200a\u202f\u205f\u2800\u3000\u3164\uffa0]/u;

// Invisible, but a combining mark (Mn), so not in a character class with the others.
const COMBINING_GRAPHEME_JOINER = '\u034f';

/** The first character a text may not contain, as `U+202E`, or undefined. */
export function hiddenCharacter(text: string, options: { lineBreaks?: boolean } = {}): string | undefined {
  for (const char of text) {
    if (options.lineBreaks && char === '\n') continue;
    if (HIDDEN.test(char) || char === COMBINING_GRAPHEME_JOINER)
      return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** Why a text may not be shown as an app's, or undefined: length in characters, then its characters. */
export function appTextProblem(
  text: string,
  { min, max, lineBreaks = false }: { min: number; max: number; lineBreaks?: boolean },
): string | undefined {
  const length = [...text].length;
  if (length < min || length > max)
    return min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
  const hidden = hiddenCharacter(text, { lineBreaks });
  return hidden ? `must not contain invisible, formatting or control characters (found ${hidden})` : undefined;
}

/** A value as an error message quotes it: at most `max` characters, the rest replaced by `…`. */
export function shorten(value: string, max = 60): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/** An app that tells users nothing about itself beyond its name. */
export const NO_IDENTITY: AppIdentity = {
  description: null,
  logoUrl: null,
  homepageUrl: null,
  privacyUrl: null,
  termsUrl: null,
};
