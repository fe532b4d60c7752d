/**
 * Device text is untrusted. For terminals and logs: control characters (ANSI escapes, CR, NUL)
 * become visible \xNN escapes and the length is bounded. For HTML: escapeHtml.
 */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

export function printable(value: string, max = 200): string {
  let clean = '';
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    clean += isControl(code) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
