/** The SNMP seam: what collection code may ask of an agent. Domain code never imports net-snmp. */

export type SnmpValue =
  | { readonly type: 'int' | 'counter32' | 'gauge32' | 'timeticks'; readonly value: number }
  | { readonly type: 'counter64'; readonly value: bigint }
  | { readonly type: 'octets'; readonly value: Buffer }
  | { readonly type: 'oid' | 'ip'; readonly value: string }
  /** Per-varbind exceptions (RFC 3416): the object or instance does not exist here. */
  | { readonly type: 'null' | 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' };

export interface Varbind {
  readonly oid: string;
  readonly value: SnmpValue;
}

export type SnmpFailureReason = 'timeout' | 'auth' | 'malformed' | 'refused' | 'error';

export interface SnmpFailure {
  readonly ok: false;
  readonly retryable: boolean;
  readonly reason: SnmpFailureReason;
  readonly message: string;
}

export type SnmpResult<T> = { readonly ok: true; readonly value: T } | SnmpFailure;

/**
 * A conversation with one agent. At most one request is in flight at a time (devices are
 * CPU-bound agents). Every call gives up at the session's deadline.
 */
export interface SnmpSession {
  get(oids: readonly string[]): Promise<SnmpResult<readonly Varbind[]>>;
  /**
   * GetBulk-walks several columns side by side (one request carries every unfinished column), each
   * stopping when it leaves its subtree. Result: one list of rows per column, in request order.
   */
  walkColumns(columns: readonly string[]): Promise<SnmpResult<readonly (readonly Varbind[])[]>>;
  /** Requests sent so far (for metrics and benchmarks). */
  readonly requests: number;
  close(): void;
}

export interface SnmpSessionOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxRepetitions: number;
  /** Absolute time (ms, the connector's clock) after which every call fails as `timeout`. */
  readonly deadline: number;
}

export interface SnmpConnector<Security> {
  open(security: Security, options: SnmpSessionOptions): SnmpSession;
  /**
   * True when something at host:port speaks SNMP at all: an SNMPv3 engine-ID discovery needs no
   * credentials, so an agent that ignores our community still answers it.
   */
  probe(host: string, port: number, timeoutMs: number): Promise<boolean>;
}

export const absent = (value: SnmpValue): boolean =>
  value.type === 'noSuchObject' ||
  value.type === 'noSuchInstance' ||
  value.type === 'endOfMibView' ||
  value.type === 'null';

/** True when `oid` lies strictly below `root` (`1.3.6.1.2` is below `1.3.6.1`, `1.3.6.10` is not). */
export function isUnder(oid: string, root: string): boolean {
  return oid.length > root.length && oid.startsWith(root) && oid.charCodeAt(root.length) === 46; // '.'
}

/** Numeric OID comparison (1.3.6.1.10 sorts after 1.3.6.1.9); allocation-free: it runs per varbind. */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = 0;
    while (i < a.length && a.charCodeAt(i) !== 46) x = x * 10 + (a.charCodeAt(i++) - 48);
    let y = 0;
    while (j < b.length && b.charCodeAt(j) !== 46) y = y * 10 + (b.charCodeAt(j++) - 48);
    if (x !== y) return x - y;
    i += 1;
    j += 1;
  }
  return a.length - i - (b.length - j);
}
