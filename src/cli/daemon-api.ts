import { userInfo } from 'node:os';
import type { Environment } from '../config/env.js';
import type { Config } from '../config/types.js';
import { printable } from '../text.js';

/**
 * Operator writes (notes, ack, resolve, silences) go through the running daemon's API: its
 * correlator must see them, and only the daemon writes the store. The bearer token is
 * http.write_token; the author is `--author` or the login name.
 */

export function loginName(env: Environment): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (a container running as an arbitrary uid): fall back to the environment.
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

export type ApiAnswer =
  | {
      readonly reached: false;
      /** host:port as tried (a wildcard listen is reached on loopback). */
      readonly where: string;
      /** Connection refused: nothing listens there, so no daemon runs. */
      readonly refused: boolean;
      readonly why: string;
    }
  | { readonly reached: true; readonly status: number; readonly body: Record<string, unknown> };

/** host:port the daemon is reached at, from http.listen (a wildcard listen is reached on loopback). */
export function daemonAddress(config: Config): string {
  const { host, port } = config.http.listen;
  const target = host.includes(':')
    ? `[${host === '::' ? '::1' : host}]`
    : host === '0.0.0.0' || host === ''
      ? '127.0.0.1'
      : host;
  return `${target}:${port}`;
}

/** POST a JSON body to the daemon; never rejects (an unreachable daemon is an answer too). */
export async function postToDaemon(
  config: Config,
  path: string,
  body: Readonly<Record<string, unknown>>,
  timeoutMs = 10_000,
): Promise<ApiAnswer> {
  const where = daemonAddress(config);
  const token = config.http.token;
  try {
    const response = await fetch(`http://${where}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Without a token the daemon answers 403 "operator actions are disabled": its words, not ours.
        ...(token ? { authorization: `Bearer ${token.reveal()}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed: unknown = await response.json().catch(() => ({}));
    const answer =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    return { reached: true, status: response.status, body: answer };
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const name = error instanceof Error ? error.name : '';
    return {
      reached: false,
      where,
      refused: code === 'ECONNREFUSED',
      why:
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${timeoutMs / 1000} s`
          : String(code ?? (error instanceof Error ? error.message : error)),
    };
  }
}

/** Exit code for an API answer: 0 done, 2 the request was wrong (400), 1 anything else. */
export function exitFor(answer: ApiAnswer): number {
  if (!answer.reached) return 1;
  if (answer.status >= 200 && answer.status < 300) return 0;
  return answer.status === 400 ? 2 : 1;
}

/** One line saying why a write did not happen (the API's own message when it gave one). */
export function failureText(command: string, answer: ApiAnswer): string {
  if (!answer.reached)
    return answer.refused
      ? `netwatch ${command}: netwatch is not running at ${answer.where} (writes go through the daemon)`
      : `netwatch ${command}: the daemon's API at ${answer.where} did not answer (${printable(answer.why, 200)}); nothing changed`;
  const error =
    typeof answer.body.error === 'string' ? printable(answer.body.error, 300) : `HTTP ${answer.status}`;
  return `netwatch ${command}: ${error}`;
}
