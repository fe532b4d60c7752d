import { userInfo } from 'node:os';
import type { Environment } from '../config/env.js';
import type { Config } from '../config/types.js';

/**
 * Operator writes go through the running daemon's API (its correlator must see them), with
 * http.write_token as the bearer token; the author is `--author` or the login name.
 */

export function loginName(env: Environment): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

export type ApiAnswer =
  | { readonly reached: false; readonly where: string; readonly why: string }
  | { readonly reached: true; readonly status: number; readonly body: Record<string, unknown> };

/** The daemon's base URL from http.listen (a wildcard listen is reached on loopback). */
export function daemonBase(config: Config): string {
  const { host, port } = config.http.listen;
  const target = host.includes(':')
    ? `[${host === '::' ? '::1' : host}]`
    : host === '0.0.0.0'
      ? '127.0.0.1'
      : host;
  return `http://${target}:${port}`;
}

export async function postToDaemon(
  config: Config,
  path: string,
  body: Record<string, unknown>,
): Promise<ApiAnswer> {
  const base = daemonBase(config);
  const token = config.http.token;
  try {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token.reveal()}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { reached: true, status: response.status, body: answer };
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return { reached: false, where: base, why: String(code ?? (error as Error).message) };
  }
}

/** Exit code for an API answer: 0 done, 2 the request was wrong (400), 1 anything else. */
export function exitFor(answer: ApiAnswer): number {
  if (!answer.reached) return 1;
  if (answer.status >= 200 && answer.status < 300) return 0;
  return answer.status === 400 ? 2 : 1;
}

/** One line saying why a write did not happen. */
export function failureText(command: string, answer: ApiAnswer): string {
  if (!answer.reached)
    return `netwatch ${command}: netwatch is not running at ${answer.where} (writes go through the daemon): ${answer.why}`;
  const error = typeof answer.body.error === 'string' ? answer.body.error : `HTTP ${answer.status}`;
  return `netwatch ${command}: ${error}`;
}
