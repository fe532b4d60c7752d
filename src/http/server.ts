import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from '../config/types.js';
import { toJsonText } from '../format.js';

/**
 * The HTTP seam (inbound): a tiny router over node:http. JSON and text only; no framework.
 * Routes are exact paths: `/path` answers GET and HEAD, `POST /path` answers POST.
 */

export interface HttpResponse {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

export type Handler = (request: IncomingMessage) => Promise<HttpResponse> | HttpResponse;

export const json = (status: number, value: unknown): HttpResponse => ({
  status,
  type: 'application/json; charset=utf-8',
  body: `${toJsonText(value)}\n`,
});
export const text = (status: number, body: string): HttpResponse => ({
  status,
  type: 'text/plain; charset=utf-8',
  body,
});

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A route pattern is a path, or `/prefix/*` for anything below it. */
function matches(pattern: string, key: string): boolean {
  if (!pattern.endsWith('/*')) return pattern === key;
  const prefix = pattern.slice(0, -1);
  return key.startsWith(prefix) && key.length > prefix.length;
}

/** The longest `/prefix/*` route the key (`path` or `METHOD path`) falls under, if any. */
function prefixRoute(routes: Readonly<Record<string, Handler>>, key: string): Handler | undefined {
  let best: string | undefined;
  for (const k of Object.keys(routes))
    if (k.endsWith('/*') && matches(k, key) && (!best || k.length > best.length)) best = k;
  return best === undefined ? undefined : routes[best];
}

export async function startHttpServer(
  listen: Endpoint,
  routes: Readonly<Record<string, Handler>>,
): Promise<HttpServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    const key = method === 'GET' || method === 'HEAD' ? path : `${method} ${path}`;
    // Exact routes first; then `/prefix/*` routes (the handler reads the rest from request.url).
    const handler = Object.hasOwn(routes, key) ? routes[key] : prefixRoute(routes, key);
    const send = (r: HttpResponse) => {
      response.writeHead(r.status, {
        'content-type': r.type,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : r.body);
    };
    if (!handler) {
      const other = Object.keys(routes).some((k) =>
        matches(k.includes(' ') ? (k.split(' ')[1] ?? '') : k, path),
      );
      return send(other ? text(405, 'method not allowed\n') : text(404, 'not found\n'));
    }
    Promise.resolve()
      .then(() => handler(request))
      .then(send, (error: unknown) =>
        send(text(500, `internal error: ${error instanceof Error ? error.message : 'unknown'}\n`)),
      );
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle connection reuse
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
