import type { SendResult } from './pager.js';
import { classifyHttpStatus, parseRetryAfter } from './retry-policy.js';

/**
 * One HTTP POST for a pager (the HTTP-out transport of the paging seam): global fetch (Node ≥ 20,
 * undici), one deadline for connect + request + response body (`AbortSignal.timeout`), no
 * redirects followed (a moved paging endpoint is a configuration error, and a 301/302 would turn
 * the POST into a GET). Never rejects: a transport failure is a value.
 *
 * Nothing here echoes a URL (it may hold a token) or a request header (it may hold a key): reasons
 * name the failure only, and every reason passes `safeReason` with the pager's secrets.
 */

export type FetchLike = typeof fetch;

export interface PostRequest {
  readonly url: string;
  /** The JSON text to send. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetch?: FetchLike;
}

export type PostOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly retryAfter: string | null;
      /** The response text, at most `MAX_RESPONSE_CHARS` (enough for an error message). */
      readonly body: string;
    }
  | { readonly kind: 'network'; readonly reason: string };

/** Receivers answer a few hundred bytes; a huge body is read no further than this. */
export const MAX_RESPONSE_CHARS = 16_384;

export async function postJson(request: PostRequest): Promise<PostOutcome> {
  const doFetch = request.fetch ?? fetch;
  try {
    const response = await doFetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await readCapped(response);
    return {
      kind: 'response',
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body,
    };
  } catch (error: unknown) {
    return { kind: 'network', reason: describeNetworkError(error, request.timeoutMs) };
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = response.body.getReader();
  try {
    while (text.length < MAX_RESPONSE_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    // Stop reading a body we do not need (frees the connection); errors here change nothing.
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, MAX_RESPONSE_CHARS);
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ETIMEDOUT: 'connect timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

/** undici wraps the socket error as `TypeError('fetch failed', { cause })`: name the cause's code. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = findCode(error);
  if (code !== undefined) return NETWORK_CODES[code] ?? `network error (${code})`;
  return `network error (${name || 'unknown'})`;
}

function findCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    e = e.cause;
  }
  return undefined;
}

/**
 * One line of at most `maxChars` for a SendResult reason: every secret replaced by `<secret>`,
 * control characters folded to spaces (a receiver's body is untrusted text).
 */
export function safeReason(text: string, secrets: readonly string[], maxChars = 300): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('<secret>');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: folding control characters is the point
  out = out.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  // Redact after folding too: a secret split by a newline in the body must not reappear joined.
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('<secret>');
  }
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

export interface ToSendResultOptions {
  /** Wall-clock now, to read a `Retry-After` HTTP date. */
  readonly nowMs: number;
  /** Values that must never appear in a reason (routing key, signing secret). */
  readonly secrets: readonly string[];
  /** The receiver's own error text from its response body, if it has a format (PagerDuty's JSON). */
  readonly describeBody?: (body: string) => string | undefined;
  /** Prefix naming where it went wrong (an Alertmanager peer), e.g. "127.0.0.1:9093: ". */
  readonly prefix?: string;
}

/** A POST outcome as the seam's value: 2xx ok; 408/429/5xx and transport errors retryable; other final. */
export function toSendResult(outcome: PostOutcome, options: ToSendResultOptions): SendResult {
  const prefix = options.prefix ?? '';
  if (outcome.kind === 'network') {
    return { ok: false, retryable: true, reason: safeReason(`${prefix}${outcome.reason}`, options.secrets) };
  }
  const verdict = classifyHttpStatus(outcome.status);
  if (verdict === 'ok') return { ok: true };
  const detail =
    outcome.status >= 300 && outcome.status <= 399
      ? 'redirect not followed (check the URL)'
      : (options.describeBody?.(outcome.body) ?? plainBody(outcome.body));
  const reason = safeReason(`${prefix}HTTP ${outcome.status}${detail ? `: ${detail}` : ''}`, options.secrets);
  const retryAfterMs = parseRetryAfter(outcome.retryAfter, options.nowMs);
  return {
    ok: false,
    retryable: verdict === 'retryable',
    reason,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** The first line of a text body (HTML error pages say nothing useful: skipped). */
function plainBody(body: string): string {
  const text = body.trim();
  if (text === '' || text.startsWith('<')) return '';
  return text.split('\n', 1)[0] ?? '';
}

/** At most `max` characters (code points, never half a surrogate pair), "…" marking a cut. */
export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `host:port` of a URL, for naming a peer without its path, query or credentials. */
export function peerName(url: string): string {
  const u = new URL(url);
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

/** Throws (a configuration bug) unless `url` is an absolute http(s) URL without credentials. */
export function assertHttpUrl(url: string, what: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error: unknown) {
    throw new Error(`${what}: not a URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`${what}: must be http or https, not ${parsed.protocol}`);
  }
  // fetch refuses such a URL on every send (a retryable-looking error forever), and the URL is
  // not a Secret: a password in it would reach logs.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new Error(`${what}: credentials in the URL are not supported`);
  }
}
