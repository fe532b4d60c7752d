import { XMLParser } from 'fast-xml-parser';
import { type ClientChannel, Client as SshClient } from 'ssh2';
import { Deframer, type Framing, FramingError, frame } from './framing.js';
import {
  BASE_10,
  BASE_11,
  type NetconfConnector,
  type NetconfFailure,
  type NetconfSession,
  type NetconfTargetLogin,
  type RpcReply,
} from './session.js';

/**
 * The real NETCONF-over-SSH client (RFC 6241/6242) on ssh2 ^1.17. Why not node-netconf:
 * docs/decisions/0001-netconf-client.md. Every step has a deadline; a dead peer fails every
 * pending RPC instead of hanging.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

export function parseXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

function failure(reason: NetconfFailure['reason'], message: string, retryable = true): NetconfFailure {
  return { ok: false, retryable, reason, message };
}

function classify(error: Error & { level?: string; code?: string }): NetconfFailure {
  if (error.level === 'client-authentication') return failure('auth', 'authentication failed', false);
  if (error.code === 'ECONNREFUSED') return failure('refused', 'connection refused');
  if (error.level === 'client-timeout' || /timed out/i.test(error.message))
    return failure('timeout', error.message);
  return failure('closed', error.message);
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

class SshNetconfSession implements NetconfSession {
  readonly #pending = new Map<string, (result: RpcReply | NetconfFailure) => void>();
  #nextId = 1;
  #closed: NetconfFailure | undefined;

  constructor(
    private readonly ssh: SshClient,
    private readonly channel: ClientChannel,
    readonly sessionId: string,
    readonly capabilities: readonly string[],
    readonly framing: Framing,
    private readonly defaultTimeoutMs: number,
  ) {}

  deliver(xml: string): void {
    let doc: Record<string, unknown>;
    try {
      doc = parseXml(xml);
    } catch {
      this.fail(failure('malformed', 'unparseable XML from peer'));
      return;
    }
    const reply = doc['rpc-reply'] as Record<string, unknown> | undefined;
    if (!reply || typeof reply !== 'object') return; // notifications and stray messages are not ours
    const id = String(reply['@_message-id'] ?? '');
    const settle = this.#pending.get(id);
    if (!settle) return;
    this.#pending.delete(id);
    const errors = asList(reply['rpc-error']) as Record<string, unknown>[];
    const fatal = errors.find((e) => e['error-severity'] !== 'warning');
    if (fatal) {
      const message = String(fatal['error-message'] ?? fatal['error-tag'] ?? 'rpc-error');
      settle(failure('rpc-error', `${String(fatal['error-tag'] ?? 'error')}: ${message}`, false));
      return;
    }
    settle({ ok: true, xml, reply });
  }

  fail(reason: NetconfFailure): void {
    this.#closed ??= reason;
    for (const settle of this.#pending.values()) settle(reason);
    this.#pending.clear();
    this.ssh.end();
  }

  rpc(body: string, timeoutMs = this.defaultTimeoutMs): Promise<RpcReply | NetconfFailure> {
    if (this.#closed) return Promise.resolve(this.#closed);
    const id = String(this.#nextId++);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(failure('timeout', `no reply to rpc ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.channel.write(
        frame(
          this.framing,
          `<rpc message-id="${id}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${body}</rpc>`,
        ),
      );
    });
  }

  async close(): Promise<void> {
    if (!this.#closed) await this.rpc('<close-session/>', 3_000);
    this.fail(failure('closed', 'session closed', false));
  }
}

export const sshNetconf: NetconfConnector = {
  connect(target: NetconfTargetLogin) {
    return new Promise((resolve) => {
      const ssh = new SshClient();
      let settled = false;
      let session: SshNetconfSession | undefined;
      const done = (result: { ok: true; session: NetconfSession } | NetconfFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!result.ok) ssh.end();
        resolve(result);
      };
      const timer = setTimeout(
        () => done(failure('timeout', `no NETCONF hello within ${target.timeoutMs} ms`)),
        target.timeoutMs,
      );
      ssh.on('error', (error) => {
        const classified = classify(error);
        if (session) session.fail(classified);
        done(classified);
      });
      ssh.on('close', () => {
        session?.fail(failure('closed', 'connection closed'));
        done(failure('closed', 'connection closed before the NETCONF hello'));
      });
      ssh.on('ready', () => {
        ssh.subsys('netconf', (error, channel) => {
          if (error) return done(failure('refused', `netconf subsystem refused: ${error.message}`, false));
          const offer = target.offerBase11 === false ? [BASE_10] : [BASE_10, BASE_11];
          const deframer = new Deframer((xml) => {
            if (session) return session.deliver(xml);
            let hello: Record<string, unknown> | undefined;
            try {
              hello = parseXml(xml).hello as Record<string, unknown> | undefined;
            } catch {
              hello = undefined;
            }
            const caps = asList((hello?.capabilities as Record<string, unknown> | undefined)?.capability).map(
              String,
            );
            if (!hello || (!caps.includes(BASE_10) && !caps.includes(BASE_11))) {
              return done(failure('malformed', 'peer sent no valid NETCONF hello', false));
            }
            const mode: Framing = caps.includes(BASE_11) && offer.includes(BASE_11) ? '1.1' : '1.0';
            deframer.mode = mode;
            session = new SshNetconfSession(
              ssh,
              channel,
              String(hello['session-id'] ?? ''),
              caps,
              mode,
              target.timeoutMs,
            );
            done({ ok: true, session });
          });
          channel.on('data', (data: Buffer) => {
            try {
              deframer.push(data);
            } catch (e) {
              const reason = failure(
                'malformed',
                e instanceof FramingError ? e.message : 'framing error',
                false,
              );
              if (session) session.fail(reason);
              done(reason);
            }
          });
          channel.on('close', () => session?.fail(failure('closed', 'NETCONF channel closed')));
          // RFC 6242: our hello is end-of-message framed whatever we offer.
          channel.write(
            frame(
              '1.0',
              `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>${offer
                .map((c) => `<capability>${c}</capability>`)
                .join('')}</capabilities></hello>`,
            ),
          );
        });
      });
      ssh.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        ...(target.password ? { password: target.password.reveal() } : {}),
        ...(target.privateKey ? { privateKey: target.privateKey } : {}),
        readyTimeout: target.timeoutMs,
      });
    });
  },
};
