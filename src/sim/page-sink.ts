import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for PagerDuty's Events API v2 and a webhook receiver, for the simulator's
 * scenario runs and the demo: it accepts every JSON POST (202, as PagerDuty does), records it and
 * tells a listener. Not a validator (the test suite's test/helpers/pagerduty-receiver.ts is);
 * only ever bound to 127.0.0.1.
 */

export interface ReceivedPage {
  readonly receivedAt: number;
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface PageSink {
  readonly url: string;
  readonly received: readonly ReceivedPage[];
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function startPageSink(
  options: { readonly onPage?: (page: ReceivedPage) => void; readonly now?: () => number } = {},
): Promise<PageSink> {
  const received: ReceivedPage[] = [];
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    void readJson(request).then((body) => {
      if (!body) {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"status":"invalid event"}');
        return;
      }
      const page = { receivedAt: (options.now ?? Date.now)(), path: request.url ?? '/', body };
      received.push(page);
      options.onPage?.(page);
      response.writeHead(202, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'success',
          message: 'Event processed',
          dedup_key: body.dedup_key ?? null,
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
