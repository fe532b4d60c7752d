import type { Secret } from '../../src/config/secret.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/page/webhook.js';
import {
  type Answer,
  type LoopbackOptions,
  type LoopbackReceiver,
  type ReceivedRequest,
  startLoopbackReceiver,
} from './loopback-receiver.js';

/**
 * A loopback receiver of JSON POSTs on any path: netwatch's webhook pager, a real Alertmanager's
 * `webhook_configs` target, or a stand-in Alertmanager peer (`POST /api/v2/alerts`). Each POST
 * with a JSON body is answered `status` (default 200) and recorded in `posts`; with a `secret`,
 * its `X-Netwatch-Signature` is checked over the raw body, and a bad or missing signature is
 * answered 401 (recorded in `requests` only). Scriptable and able to go down like every loopback
 * receiver.
 */

export interface ReceivedPost {
  readonly at: number;
  readonly path: string;
  readonly headers: ReceivedRequest['headers'];
  readonly raw: string;
  readonly body: unknown;
  /** The signature checked out (undefined when the receiver has no secret). */
  readonly signatureValid?: boolean;
  /** `X-Netwatch-Delivery`, if sent. */
  readonly deliveryId?: string;
}

export interface WebhookReceiver extends LoopbackReceiver {
  /** `http://127.0.0.1:<port>/hook` (any path is accepted; this one is a convenient default). */
  readonly url: string;
  /** Accepted POSTs, in arrival order. */
  readonly posts: readonly ReceivedPost[];
}

export interface WebhookReceiverOptions extends LoopbackOptions {
  /** Signing secret to verify `X-Netwatch-Signature` with. */
  readonly secret?: string | Secret;
  /** Also require the timestamp within this many ms of `now` (replay check). Default: not checked. */
  readonly toleranceMs?: number;
  /** Status of an accepted post. Default 200. */
  readonly status?: number;
}

const header = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const now = options.now ?? Date.now;
  const handle = (request: ReceivedRequest): Answer => {
    if (request.method !== 'POST') return { status: 405, body: 'method not allowed' };
    let body: unknown;
    try {
      body = JSON.parse(request.raw);
    } catch {
      return { status: 400, body: 'body is not JSON' };
    }
    let signatureValid: boolean | undefined;
    if (options.secret !== undefined) {
      signatureValid = verifyWebhookSignature(
        options.secret,
        header(request, TIMESTAMP_HEADER),
        request.raw,
        header(request, SIGNATURE_HEADER),
        options.toleranceMs !== undefined ? { nowMs: now(), toleranceMs: options.toleranceMs } : undefined,
      );
      if (!signatureValid) return { status: 401, body: 'invalid signature' };
    }
    const deliveryId = header(request, 'x-netwatch-delivery');
    posts.push({
      at: request.at,
      path: request.path,
      headers: request.headers,
      raw: request.raw,
      body,
      ...(signatureValid !== undefined ? { signatureValid } : {}),
      ...(deliveryId !== undefined ? { deliveryId } : {}),
    });
    return { status: options.status ?? 200, body: { status: 'ok' } };
  };
  const base = await startLoopbackReceiver(handle, options);
  return {
    ...base,
    url: `${base.baseUrl}/hook`,
    posts,
    reset: () => {
      base.reset();
      posts.length = 0;
    },
  };
}
