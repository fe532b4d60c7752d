/**
 * Escaping for the formats a report is written in. Every string that reaches a report may hold
 * device text (ifAlias, sysDescr, syslog lines, process names, event summaries and details), a
 * receiver's error message or a person's note: all of it is untrusted and must come out as the
 * same visible text, never as markup.
 *
 * How it is made hard to forget: the md and wiki renderers build every line with the `md` / `wiki`
 * tagged templates below. The template's literal parts are the renderer's own markup; every
 * interpolated value is escaped for that format unless it is a `Markup` of the same format (the
 * output of another template or of a link helper here). A `Markup` can only be made in this
 * module (its brand is a private symbol), and a Markup of one format does not type-check in the
 * other's template. JSON needs no escaper of its own: JSON.stringify is the escaper.
 *
 * Both markup formats first reduce a value to one clean line (`plainLine`): ANSI escape sequences
 * removed, line breaks and tabs to one space, other control and bidi-override characters shown as
 * `\xNN` / `\uNNNN` (visible, so nothing is hidden from the reader), leading/trailing space trimmed.
 * A value can therefore never start a line of its own: only its first character can sit at a line
 * start, and each escaper handles that position too.
 */

const BRAND: unique symbol = Symbol('markup');

export type MarkupFormat = 'md' | 'wiki';

/** Text that is already valid markup of format F (built here from constants and escaped values). */
export interface Markup<F extends MarkupFormat> {
  readonly [BRAND]: F;
  readonly text: string;
}

function markup<F extends MarkupFormat>(format: F, text: string): Markup<F> {
  return { [BRAND]: format, text };
}

function isMarkup(value: unknown): value is Markup<MarkupFormat> {
  return typeof value === 'object' && value !== null && BRAND in value;
}

const ESC = 0x1b;

/** Unicode bidi embedding/override/isolate controls: they can make text read differently than it is. */
function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function isLineBreak(code: number): boolean {
  return (
    code === 0x0a ||
    code === 0x0d ||
    code === 0x09 ||
    code === 0x0b ||
    code === 0x0c ||
    code === 0x85 ||
    code === 0x2028 ||
    code === 0x2029
  );
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** Index just past the escape sequence that starts at `i` (an ESC): CSI, OSC or a two-byte escape. */
function skipEscape(value: string, i: number): number {
  const next = value.charCodeAt(i + 1);
  if (next === 0x5b) {
    // CSI: ESC [ parameters intermediates final (0x40–0x7e), e.g. ESC[31m
    let j = i + 2;
    while (j < value.length && !(value.charCodeAt(j) >= 0x40 && value.charCodeAt(j) <= 0x7e)) j += 1;
    return j + 1;
  }
  if (next === 0x5d) {
    // OSC: ESC ] … terminated by BEL or ESC \ (terminal titles, hyperlinks)
    let j = i + 2;
    while (j < value.length) {
      const c = value.charCodeAt(j);
      if (c === 0x07) return j + 1;
      if (c === ESC && value.charCodeAt(j + 1) === 0x5c) return j + 2;
      j += 1;
    }
    return j;
  }
  return Number.isNaN(next) ? i + 1 : i + 2;
}

/** One clean visible line: see the module comment. Used by both markup escapers, not by JSON. */
export function plainLine(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const code = value.codePointAt(i) ?? 0;
    if (code === ESC) {
      i = skipEscape(value, i);
      continue;
    }
    const width = code > 0xffff ? 2 : 1;
    if (isLineBreak(code)) {
      if (!out.endsWith(' ')) out += ' ';
    } else if (isControl(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isBidiControl(code)) out += `\\u${code.toString(16)}`;
    else out += value.slice(i, i + width);
    i += width;
  }
  return out.trim();
}

/**
 * Markdown (CommonMark + GFM), inline text: backslash-escapes every character that can start
 * inline markup anywhere in a line — code spans, emphasis (`_` only where it could open or close
 * it, i.e. not inside a word), strikethrough, links and images
 * (`[`, `]`; `(`/`)`/`!` only act next to a bracket, so they stay readable), raw HTML and
 * autolinks (`<`, `>`), entities (`&`), GFM table cells (`|`), math (`$`) — and, at the start of
 * the value only, what starts a block: headings (`#`), list items (`-`, `+`, `1.`, `1)`),
 * setext underlines (`=`), block quotes (`>`, already escaped).
 */
export function escapeMarkdown(value: string): string {
  const line = plainLine(value)
    .replace(/[\\`*[\]<>|~&$]/g, '\\$&')
    // An underscore between two letters or digits can neither open nor close emphasis
    // (CommonMark's flanking rules): `interface_up` stays readable, `_x_` is escaped.
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_');
  return line.replace(/^[#+\-=]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * MediaWiki wikitext: HTML character references, decided over `<nowiki>` because they work the
 * same inside table cells, link texts and headings, and cannot be closed early (a `</nowiki>` in
 * device text would end a nowiki span). Each character that can start wiki markup becomes `&#NN;`:
 * `&` (so device text that looks like an entity shows as typed), `<` `>` (tags, `<nowiki>`,
 * `<ref>`, HTML), `[` `]` (links, `[[`/`]]`), `{` `}` (templates, parser functions, `{|` tables),
 * `|` (cells, `|}`, template arguments), `!` (header cells), `'` (bold/italic runs), `~`
 * (signatures `~~~`), `=` (headings, template arguments). Runs of `_` are broken up (`__TOC__` and
 * the other behaviour switches), `://` loses its colon (no free external links from device text),
 * and a first character that starts a line construct (`*`, `#`, `:`, `;`, `-` of `----`, a space
 * for preformatted text) is escaped too. ISBN/RFC/PMID magic links are left as they are: they are
 * off by default since MediaWiki 1.28 and only ever link to a lookup page.
 */
export function escapeWikitext(value: string): string {
  const entity = (c: string) => `&#${c.charCodeAt(0)};`;
  return plainLine(value)
    .replace(/[&<>[\]{}|!'~=]/g, entity)
    .replace(/_(?=_)/g, '&#95;')
    .replace(/:\/\//g, '&#58;//')
    .replace(/^[*#:; -]/, entity);
}

type Value<F extends MarkupFormat> = string | number | Markup<F>;

function template<F extends MarkupFormat>(format: F, escaper: (value: string) => string) {
  return (strings: TemplateStringsArray, ...values: readonly Value<F>[]): Markup<F> => {
    let text = strings[0] ?? '';
    values.forEach((value, i) => {
      text += piece(format, escaper, value) + (strings[i + 1] ?? '');
    });
    return markup(format, text);
  };
}

function piece<F extends MarkupFormat>(
  format: F,
  escaper: (value: string) => string,
  value: Value<F>,
): string {
  if (!isMarkup(value)) return escaper(String(value));
  // Only reachable by a cast: a Markup of the other format would not type-check.
  if (value[BRAND] !== format) throw new Error(`${value[BRAND]} markup interpolated into ${format}`);
  return value.text;
}

/** Markdown line builder: `md\`- ${time} **${label}** ${text}\`` escapes time, label and text. */
export const md = template('md', escapeMarkdown);

/** Wikitext line builder: `wiki\`* ${time} ${text}\`` escapes every value. */
export const wiki = template('wiki', escapeWikitext);

/** The text of a whole document: its lines joined, ending with one newline. */
export function documentText<F extends MarkupFormat>(lines: readonly Markup<F>[]): string {
  return `${lines.map((l) => l.text).join('\n')}\n`;
}

const UTF8 = new TextEncoder();

/**
 * Percent-encodes every character of a URL outside `safe` (each format has its own delimiters),
 * as its UTF-8 bytes: unlike encodeURIComponent this also covers `( ) ' ! * ~ _`, and a lone
 * surrogate becomes U+FFFD instead of throwing.
 */
function encodeUrl(url: string, safe: RegExp): string {
  const encode = (c: string) =>
    Array.from(UTF8.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return Array.from(url, (c) => (safe.test(c) ? c : encode(c))).join('');
}

/** A URL path segment: everything but unreserved characters percent-encoded (RFC 3986). */
export function urlSegment(value: string): string {
  return encodeUrl(value, /[A-Za-z0-9\-._~]/);
}

const HTTP = /^https?:\/\//i;

/**
 * `[text](url)`. The destination ends at `)` or a space and a table cell at `|`: those and every
 * other character outside a conservative set are percent-encoded. A URL that is not http(s) is
 * written as escaped text, never as a link (no `javascript:` from a misconfigured external_url).
 */
export function mdLink(text: string, url: string): Markup<'md'> {
  if (!HTTP.test(url)) return md`${text} (${url})`;
  return markup('md', `[${escapeMarkdown(text)}](${encodeUrl(url, /[A-Za-z0-9\-._~:/?#@$&+,;=%]/)})`);
}

/**
 * `[url text]`. The URL ends at a space or `]`; `'`, `~` (signatures), `_` (behaviour switches),
 * `{`, `|`, `<`, `&` could still be read as markup by the parser, so they are percent-encoded too.
 */
export function wikiLink(text: string, url: string): Markup<'wiki'> {
  if (!HTTP.test(url)) return wiki`${text} (${url})`;
  return markup('wiki', `[${encodeUrl(url, /[A-Za-z0-9\-.:/?#@$+,;=%]/)} ${escapeWikitext(text)}]`);
}

/** JSON: JSON.stringify is the escaper (every string is quoted and its control characters escaped). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
