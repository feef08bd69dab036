// Host data (names, aliases, rules, error output) is untrusted and reaches the screen as plain text only.
// These helpers make it printable: control characters and the Unicode marks that reorder or hide text
// become visible escapes, and the `$(icon)` syntax that quick picks and the status bar render is defused.
// The extension never puts host data into a MarkdownString or HTML. Pure.

// C0 and C1 controls, DEL, and the bidirectional overrides/isolates and invisible marks that can make a
// name look like another (e.g. U+202E RIGHT-TO-LEFT OVERRIDE).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of plain text: every control or invisible character shown as an escape. */
export function plainText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Several lines of plain text (a tooltip): line breaks kept, everything else as plainText. */
export function plainLines(lines: readonly string[]): string {
  return lines.map(plainText).join('\n');
}

/**
 * For places that render `$(name)` as an icon (quick pick labels, the status bar, progress titles):
 * a host name like `$(alert)` must show as written, so the `$(` is escaped the way VS Code understands.
 */
export function iconSafe(text: string): string {
  return plainText(text).replace(/\$\(/g, '\\$(');
}

/** Long host output cut to a size a notification can show. */
export function clip(text: string, max = 600): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A message that may span lines (an engine error): line breaks kept, everything else as plainText. */
export function plainMessage(text: string): string {
  return plainLines(text.split(/\r?\n/));
}

/**
 * For notifications, which turn `[text](command:…)` and `[text](https://…)` into live links: host text must
 * never become a link someone could click. A zero-width space between `]` and `(` breaks the pattern and
 * leaves the text as it reads.
 */
export function defuseLinks(text: string): string {
  return text.replace(/\]\s*\(/g, (match) => `${match.slice(0, -1)}\u200b(`);
}
