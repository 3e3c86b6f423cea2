/**
 * One POSIX shell word that stands for exactly `value`: single quotes, inside which no character is
 * special (no `$`, backtick, `\`, newline or glob), each `'` closed, escaped and reopened. A command
 * built from such words can be pasted into sh, bash or zsh without running anything it carries.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
