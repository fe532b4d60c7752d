import type { Secret } from '../config/secret.js';
import type { Framing } from './framing.js';

/** The NETCONF seam: what domain code may ask of a NETCONF peer. */

export type NetconfFailure = {
  readonly ok: false;
  readonly retryable: boolean;
  readonly reason: 'timeout' | 'auth' | 'refused' | 'closed' | 'malformed' | 'rpc-error';
  readonly message: string;
};

export type RpcReply = {
  readonly ok: true;
  readonly xml: string;
  readonly reply: Readonly<Record<string, unknown>>;
};

export interface NetconfSession {
  readonly sessionId: string;
  readonly capabilities: readonly string[];
  readonly framing: Framing;
  /** Sends `<rpc>` around `body` (e.g. `<get-virtual-chassis-information/>`) and waits for its reply. */
  rpc(body: string, timeoutMs?: number): Promise<RpcReply | NetconfFailure>;
  close(): Promise<void>;
}

export interface NetconfTargetLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: Secret;
  readonly privateKey?: Buffer;
  readonly timeoutMs: number;
  /** Offer base:1.1 (chunked framing). On by default; off only to test base:1.0 peers. */
  readonly offerBase11?: boolean;
}

export interface NetconfConnector {
  connect(
    target: NetconfTargetLogin,
  ): Promise<{ readonly ok: true; readonly session: NetconfSession } | NetconfFailure>;
}

export const BASE_10 = 'urn:ietf:params:netconf:base:1.0';
export const BASE_11 = 'urn:ietf:params:netconf:base:1.1';
