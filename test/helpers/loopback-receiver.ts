import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable HTTP receiver on 127.0.0.1 (port 0, or a given one), the base of the loopback
 * PagerDuty and webhook receivers. Every request is recorded with its receive time and answer.
 * Answers come from the script first (`script(503, { status: 429, retryAfter: '2' }, 'handle')`),
 * then from the receiver's own handler. `down()` closes the port (clients get ECONNREFUSED) and
 * `up()` listens again on the same port.
 */

export interface ReceivedRequest {
  /** Receive time, from the receiver's `now` (Date.now unless given). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw request body (verify signatures over this, not a re-serialisation). */
  readonly raw: string;
}

export interface Answer {
  readonly status: number;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Sent as `Retry-After` (seconds or an HTTP date). */
  readonly retryAfter?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Hold the answer this long (to make a client time out). */
  readonly delayMs?: number;
}

/** A scripted answer: a status, a full answer, or 'handle' (let the receiver's handler answer). */
export type Scripted = number | Answer | 'handle';

export interface AnsweredRequest extends ReceivedRequest {
  readonly status: number;
}

export interface LoopbackReceiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Every request, in arrival order, with the status it was answered. */
  readonly requests: readonly AnsweredRequest[];
  /** Queue answers for the next requests (before the handler answers again). */
  script(...answers: Scripted[]): void;
  /** Forget the recorded requests and the queued script (between tests). */
  reset(): void;
  /** Close the port: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  readonly port?: number;
  readonly now?: () => number;
  /** Largest body read; a larger one is answered 413. */
  readonly maxBodyBytes?: number;
}

export async function startLoopbackReceiver(
  handler: (request: ReceivedRequest) => Answer,
  options: LoopbackOptions = {},
): Promise<LoopbackReceiver> {
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const requests: AnsweredRequest[] = [];
  const queue: Scripted[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const reply = (response: ServerResponse, answer: Answer) => {
    if (response.destroyed || response.writableEnded) return;
    // No keep-alive: a client never holds an idle socket that `down()` would cut under its next
    // POST ("connection closed" instead of the "connection refused" of a port that is down).
    const headers: Record<string, string> = { connection: 'close', ...answer.headers };
    if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
    let text = '';
    if (answer.body !== undefined) {
      text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      headers['content-type'] ??= typeof answer.body === 'string' ? 'text/plain' : 'application/json';
    }
    response.writeHead(answer.status, headers);
    response.end(text);
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
    });
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        at: now(),
        method: incoming.method ?? 'GET',
        path: (incoming.url ?? '/').split('?')[0] ?? '/',
        headers: incoming.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      const next = queue.shift() ?? 'handle';
      let answer: Answer;
      if (size > maxBody) answer = { status: 413, body: 'request entity too large' };
      else if (next === 'handle') answer = handler(request);
      else answer = typeof next === 'number' ? { status: next } : next;
      requests.push({ ...request, status: answer.status });
      if (answer.delayMs === undefined) return reply(response, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply(response, answer);
      }, answer.delayMs);
      timers.add(timer);
    });
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    down: stop,
    up: () => listen(port),
    close: stop,
  };
}

/** Poll `predicate` every 10 ms until true; throws after `timeoutMs` (real time). */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waitUntil: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
