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
  /** GetBulk max-repetitions asked (0 for a GET): oids × this bounds the varbinds of the reply. */
  readonly maxRepetitions: number;
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

const NO_AGENT: SnmpFailure = { ok: false, retryable: true, reason: 'timeout', message: 'no fake agent' };

/**
 * A slow agent on a fake clock: each request moves the clock on by `perRequestMs`, and a request
 * that ends past the session's deadline fails as the real connector does (timeout). `now` reads the
 * clock the session deadline is on (the collector's monotonic time); `advance` may move a wall
 * clock too, or step it, to play a wall-clock step in the middle of a poll.
 */
export interface FakeLatency {
  readonly perRequestMs: number;
  readonly now: () => number;
  readonly advance: (ms: number) => void;
}

export class FakeSnmp implements SnmpConnector<SnmpSecurity> {
  readonly agents = new Map<string, FakeAgent>();
  readonly requests: FakeRequest[] = [];
  latency: FakeLatency | undefined;
  /**
   * Fault injection: called for every request (after it is recorded); a failure it returns is the
   * answer instead of the agent's (e.g. fail the walk of a poll whose GET succeeded).
   */
  fault: ((request: FakeRequest, index: number) => SnmpFailure | undefined) | undefined;

  set(host: string, port: number, agent: FakeAgent): void {
    this.agents.set(`${host}:${port}`, agent);
  }

  async probe(host: string, port: number): Promise<boolean> {
    return this.agents.has(`${host}:${port}`);
  }

  open(
    _security: SnmpSecurity,
    options: { host: string; port: number; maxRepetitions: number; deadline?: number },
  ): SnmpSession {
    const target = `${options.host}:${options.port}`;
    const log = this.requests;
    const agents = this.agents;
    const latency = this.latency;
    const fault = this.fault;
    /** Records one request and hands its answer the agent's rows, or the agent's failure. */
    function request<T>(
      kind: FakeRequest['kind'],
      oids: readonly string[],
      answer: (rows: readonly Varbind[]) => T,
      maxRepetitions = 0,
    ): SnmpResult<T> {
      session.requests += 1;
      const recorded: FakeRequest = { target, kind, oids, maxRepetitions };
      log.push(recorded);
      if (latency) {
        latency.advance(latency.perRequestMs);
        if (options.deadline !== undefined && latency.now() > options.deadline)
          return {
            ok: false,
            retryable: true,
            reason: 'timeout',
            message: 'no answer before the poll deadline',
          };
      }
      const injected = fault?.(recorded, log.length - 1);
      if (injected) return injected;
      const agent = agents.get(target) ?? NO_AGENT;
      return Array.isArray(agent) ? { ok: true, value: answer(agent) } : (agent as SnmpFailure);
    }
    const session = {
      requests: 0,
      async get(oids: readonly string[]): Promise<SnmpResult<readonly Varbind[]>> {
        return request('get', oids, (rows) =>
          oids.map((oid): Varbind => {
            const hit = rows[firstAfter(rows, oid) - 1];
            return hit && hit.oid === oid ? hit : { oid, value: { type: 'noSuchObject' } };
          }),
        );
      },
      walkColumns(columns: readonly string[]) {
        return walkColumns(
          async (oids, maxRepetitions) =>
            request(
              'bulk',
              oids,
              (rows) =>
                oids.map((oid): readonly Varbind[] => {
                  const start = firstAfter(rows, oid);
                  return start >= rows.length
                    ? [{ oid, value: { type: 'endOfMibView' } }]
                    : rows.slice(start, start + maxRepetitions);
                }),
              maxRepetitions,
            ),
          columns,
          options.maxRepetitions,
        );
      },
      close() {},
    };
    return session;
  }
}
