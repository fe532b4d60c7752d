import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpSecurity } from '../config/types.js';
import type {
  SnmpConnector,
  SnmpFailure,
  SnmpResult,
  SnmpSession,
  SnmpSessionOptions,
  SnmpValue,
  Varbind,
} from './types.js';
import type { UdpMux } from './udp-mux.js';
import { walkColumns } from './walk.js';

/** The real SNMP seam on net-snmp, over shared sockets. */

/** Config protocol names → net-snmp's (also used by the simulator's trap sender). */
export const AUTH = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
} as const;

export const PRIV = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
} as const;

function toValue(vb: snmp.Varbind): SnmpValue {
  const v = vb.value as unknown;
  switch (vb.type) {
    case snmp.ObjectType.Integer:
      return { type: 'int', value: Number(v) };
    case snmp.ObjectType.Counter:
      return { type: 'counter32', value: Number(v) };
    case snmp.ObjectType.Gauge:
      return { type: 'gauge32', value: Number(v) };
    case snmp.ObjectType.TimeTicks:
      return { type: 'timeticks', value: Number(v) };
    case snmp.ObjectType.Counter64:
      return {
        type: 'counter64',
        value: Buffer.isBuffer(v)
          ? v.length === 0
            ? 0n
            : BigInt(`0x${v.toString('hex')}`)
          : BigInt(Number(v)),
      };
    case snmp.ObjectType.OctetString:
    case snmp.ObjectType.Opaque:
      return { type: 'octets', value: Buffer.isBuffer(v) ? v : Buffer.from(String(v)) };
    case snmp.ObjectType.OID:
      return { type: 'oid', value: String(v) };
    case snmp.ObjectType.IpAddress:
      return { type: 'ip', value: String(v) };
    case snmp.ObjectType.NoSuchObject:
      return { type: 'noSuchObject' };
    case snmp.ObjectType.NoSuchInstance:
      return { type: 'noSuchInstance' };
    case snmp.ObjectType.EndOfMibView:
      return { type: 'endOfMibView' };
    default:
      return { type: 'null' };
  }
}

/** ResponseInvalidCode values that mean "your credentials are wrong": ECouldNotDecrypt 4,
 * EAuthFailure 5, ECommunityNoMatch 10, ENotInTimeWindow 14 (partly missing from @types/net-snmp). */
const AUTH_CODES = new Set([4, 5, 10, 14]);

const convert = (vb: snmp.Varbind): Varbind => ({ oid: vb.oid, value: toValue(vb) });

function fail(reason: SnmpFailure['reason'], message: string, retryable = true): SnmpFailure {
  return { ok: false, retryable, reason, message };
}

class NetSnmpSession implements SnmpSession {
  requests = 0;
  #malformed = 0;
  #closed = false;
  readonly #start: number;

  constructor(
    private readonly session: snmp.Session,
    private readonly options: SnmpSessionOptions,
    private readonly now: () => number,
    private readonly speed: number,
  ) {
    this.#start = now();
    // A datagram that is not BER makes net-snmp emit 'error' on the session: without a listener
    // that would throw out of the socket handler and kill the daemon.
    session.on('error', () => {
      this.#malformed += 1;
    });
  }

  #classify(error: Error & { code?: number }, malformedBefore: number): SnmpFailure {
    if (error.name === 'RequestTimedOutError' || /timed out/i.test(error.message)) {
      return this.#malformed > malformedBefore
        ? fail('malformed', 'the agent answered with data that is not valid SNMP')
        : fail(
            'timeout',
            `no answer within ${this.options.timeoutMs} ms × ${this.options.retries + 1} tries`,
          );
    }
    if (error instanceof snmp.ResponseInvalidError) {
      const code = Number(error.code);
      if (AUTH_CODES.has(code)) return fail('auth', `authentication failed: ${error.message}`, false);
      return fail('malformed', error.message);
    }
    if (error instanceof snmp.RequestFailedError) return fail('error', `agent error: ${error.message}`);
    if (/forcibly closed|socket closed/i.test(error.message))
      return fail(
        'timeout',
        `no answer before the poll deadline (${this.options.deadline - this.#start} ms)`,
      );
    // BER decoding problems inside net-snmp surface as plain errors.
    return fail('malformed', error.message);
  }

  /** Runs one net-snmp call, bounded by the session's single deadline. */
  #call<T>(start: (done: (error: Error | null, value?: T) => void) => void): Promise<SnmpResult<T>> {
    if (this.#closed)
      return Promise.resolve(
        fail('timeout', `no answer before the poll deadline (${this.options.deadline - this.#start} ms)`),
      );
    const remaining = this.options.deadline - this.now();
    if (remaining <= 0)
      return Promise.resolve(
        fail('timeout', `no answer before the poll deadline (${this.options.deadline - this.#start} ms)`),
      );
    const malformedBefore = this.#malformed;
    this.requests += 1;
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.close(); // cancels the outstanding request
        resolve(
          this.#malformed > malformedBefore
            ? fail('malformed', 'the agent answered with data that is not valid SNMP')
            : fail(
                'timeout',
                `no answer before the poll deadline (${this.options.deadline - this.#start} ms)`,
              ),
        );
      }, remaining / this.speed);
      try {
        start((error, value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(error ? this.#classify(error, malformedBefore) : { ok: true, value: value as T });
        });
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        resolve(fail('malformed', error instanceof Error ? error.message : String(error)));
      }
    });
  }

  get(oids: readonly string[]): Promise<SnmpResult<readonly Varbind[]>> {
    return this.#call<readonly Varbind[]>((done) =>
      this.session.get([...oids], (error, varbinds) => done(error, (varbinds ?? []).map(convert))),
    );
  }

  walkColumns(columns: readonly string[]): Promise<SnmpResult<readonly (readonly Varbind[])[]>> {
    return walkColumns(
      (oids, maxRepetitions) =>
        this.#call<readonly (readonly Varbind[])[]>((done) =>
          this.session.getBulk([...oids], 0, maxRepetitions, (error, varbinds) =>
            done(
              error,
              ((varbinds ?? []) as unknown as snmp.Varbind[][]).map((column) =>
                Array.isArray(column) ? column.map(convert) : [convert(column)],
              ),
            ),
          ),
        ),
      columns,
      this.options.maxRepetitions,
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.session.close();
  }
}

export interface NetSnmpConnectorOptions {
  readonly mux: UdpMux;
  /**
   * The clock session deadlines are absolute times on: the collector's monotonic clock (the clock
   * seam's `monotonicMs`, what `collectDevice`'s `monotonic` reads), never wall time, or a wall
   * step would cut or lift every deadline in flight.
   */
  readonly now: () => number;
  /**
   * Clock ms per real ms (the clock seam's `speed`, 1 unless the daemon shares a compressed clock
   * with the simulator): timeouts are clock durations, so they are divided by it for the socket.
   */
  readonly speed?: number;
}

/** Opens sessions for an IP address (resolve names before: replies are routed by source address). */
export function createNetSnmpConnector({
  mux,
  now,
  speed = 1,
}: NetSnmpConnectorOptions): SnmpConnector<SnmpSecurity> {
  // On a compressed clock a 2 s timeout can shrink below a loopback round trip; never wait less
  // than 25 real ms (a poll's deadline still bounds the whole walk in clock time).
  const real = (ms: number) => (speed === 1 ? ms : Math.max(25, Math.round(ms / speed)));
  return {
    probe(host, port, timeoutMs) {
      return new Promise((resolve) => {
        const session = snmp.createV3Session(
          host,
          { name: 'netwatch-probe', level: snmp.SecurityLevel.noAuthNoPriv },
          {
            port,
            timeout: real(timeoutMs),
            retries: 0,
            transport: isIP(host) === 6 ? 'udp6' : 'udp4',
            dgramModule: mux.dgramModule,
          } as snmp.SessionOptionsV3,
        );
        session.on('error', () => {});
        session.get(['1.3.6.1.2.1.1.3.0'], (error) => {
          session.close();
          // Any answer, even a Report refusing our user, means an SNMP engine is listening.
          resolve(!error || (error as Error).name !== 'RequestTimedOutError');
        });
      });
    },
    open(security, options) {
      const transport: 'udp4' | 'udp6' = isIP(options.host) === 6 ? 'udp6' : 'udp4';
      const common = {
        port: options.port,
        timeout: real(options.timeoutMs),
        retries: options.retries,
        transport,
        backwardsGetNexts: false,
        dgramModule: mux.dgramModule,
      };
      const session =
        security.version === '2c'
          ? snmp.createSession(options.host, security.community.reveal(), {
              ...common,
              version: snmp.Version2c,
            })
          : snmp.createV3Session(
              options.host,
              {
                name: security.user,
                level: security.priv ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
                authProtocol: AUTH[security.auth.protocol],
                authKey: security.auth.key.reveal(),
                ...(security.priv
                  ? { privProtocol: PRIV[security.priv.protocol], privKey: security.priv.key.reveal() }
                  : {}),
              },
              { ...common, ...(security.context !== undefined ? { context: security.context } : {}) },
            );
      return new NetSnmpSession(session, options, now, speed);
    },
  };
}
