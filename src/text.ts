/**
 * Device text is untrusted. For terminals and logs: control characters (ANSI escapes, CR, NUL)
 * become visible \xNN escapes and the length is bounded. For HTML: escapeHtml.
 */
export function printable(value: string, max = 200): string {
  const clean = value.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
