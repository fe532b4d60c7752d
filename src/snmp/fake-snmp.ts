import type { SnmpSecurity } from '../config/types.js';
import {
  compareOids,
  type SnmpConnector,
  type SnmpFailure,
  type SnmpResult,
  type SnmpSession,
  type Varbind,
} from './types.js';
import { walkColumns } from './walk.js';

/**
 * The recording fake of the SNMP seam: agents are sorted varbind lists (e.g. parsed .snmprec
 * recordings) keyed by "host:port"; every request is recorded. An agent set to a failure answers
 * every request with it.
 */
export type FakeAgent = readonly Varbind[] | SnmpFailure;

export interface FakeRequest {
  readonly target: string;
  readonly kind: 'get' | 'bulk';
  readonly oids: readonly string[];
}

/** Index of the first varbind whose OID sorts after `oid` (rows are sorted). */
function firstAfter(rows: readonly Varbind[], oid: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOids((rows[mid] as Varbind).oid, oid) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class FakeSnmp implements SnmpConnector<SnmpSecurity> {
  readonly agents = new Map<string, FakeAgent>();
  readonly requests: FakeRequest[] = [];

  set(host: string, port: number, agent: FakeAgent): void {
    this.agents.set(`${host}:${port}`, agent);
  }

  async probe(host: string, port: number): Promise<boolean> {
    return this.agents.has(`${host}:${port}`);
  }

  open(
    _security: SnmpSecurity,
    options: { host: string; port: number; maxRepetitions: number },
  ): SnmpSession {
    const target = `${options.host}:${options.port}`;
    const agent = (): FakeAgent =>
      this.agents.get(target) ?? { ok: false, retryable: true, reason: 'timeout', message: 'no fake agent' };
    const log = this.requests;
    const session = {
      requests: 0,
      async get(oids: readonly string[]): Promise<SnmpResult<readonly Varbind[]>> {
        session.requests += 1;
        log.push({ target, kind: 'get', oids });
        const a = agent();
        if (!Array.isArray(a)) return a as SnmpFailure;
        const rows = a as readonly Varbind[];
        return {
          ok: true,
          value: oids.map((oid) => {
            const at = firstAfter(rows, oid) - 1;
            const hit = rows[at];
            return hit && hit.oid === oid ? hit : { oid, value: { type: 'noSuchObject' } };
          }),
        };
      },
      walkColumns(columns: readonly string[]) {
        return walkColumns(
          async (oids, maxRepetitions) => {
            session.requests += 1;
            log.push({ target, kind: 'bulk', oids });
            const a = agent();
            if (!Array.isArray(a)) return a as SnmpFailure;
            const rows = a as readonly Varbind[];
            return {
              ok: true,
              value: oids.map((oid) => {
                const start = firstAfter(rows, oid);
                if (start >= rows.length) return [{ oid, value: { type: 'endOfMibView' } }];
                return rows.slice(start, start + maxRepetitions);
              }),
            };
          },
          columns,
          options.maxRepetitions,
        );
      },
      close() {},
    };
    return session;
  }
}
