import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';

/**
 * Shares a few UDP sockets among every SNMP session (Telegraf ran out of file descriptors at
 * ~1,800 devices with one socket each). net-snmp accepts a `dgramModule`; we hand it facades.
 * A reply is routed to the sessions that talk to its source address:port; net-snmp then
 * matches it to a request by request ID and ignores the rest. Datagrams from unknown sources
 * are dropped and counted.
 */

type SendCallback = (error: Error | null, bytes: number) => void;

interface Shared {
  readonly socket: dgram.Socket;
  readonly routes: Map<string, Set<SocketFacade>>;
}

class SocketFacade extends EventEmitter {
  #route: string | undefined;
  #closed = false;

  constructor(private readonly shared: Shared) {
    super();
  }

  send(
    buffer: Buffer,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: SendCallback,
  ): void {
    if (this.#closed) {
      callback?.(new Error('socket closed'), 0);
      return;
    }
    const route = `${address}:${port}`;
    if (this.#route !== route) {
      if (this.#route) this.shared.routes.get(this.#route)?.delete(this);
      this.#route = route;
      let set = this.shared.routes.get(route);
      if (!set) {
        set = new Set();
        this.shared.routes.set(route, set);
      }
      set.add(this);
    }
    this.shared.socket.send(buffer, offset, length, port, address, callback);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#route) {
      const set = this.shared.routes.get(this.#route);
      set?.delete(this);
      if (set?.size === 0) this.shared.routes.delete(this.#route);
    }
    this.emit('close');
  }

  // Pending request timers keep the event loop alive; the shared socket is always unref'd.
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  bind(): this {
    return this;
  }
}

export class UdpMux {
  readonly #pools = new Map<string, Shared[]>();
  #next = 0;
  /** Datagrams whose source no session was talking to. */
  strayDatagrams = 0;

  constructor(private readonly poolSize = 4) {}

  #shared(type: 'udp4' | 'udp6'): Shared {
    let pool = this.#pools.get(type);
    if (!pool) {
      pool = [];
      this.#pools.set(type, pool);
    }
    if (pool.length < this.poolSize) {
      const socket = dgram.createSocket({ type, recvBufferSize: 4 << 20 });
      const shared: Shared = { socket, routes: new Map() };
      socket.on('message', (message, remote) => {
        const set = shared.routes.get(`${remote.address}:${remote.port}`);
        if (!set) {
          this.strayDatagrams += 1;
          return;
        }
        for (const facade of set) facade.emit('message', message, remote);
      });
      socket.on('error', () => {
        // A send error (e.g. EHOSTUNREACH) reaches its request via the send callback.
      });
      socket.unref();
      pool.push(shared);
      return shared;
    }
    this.#next = (this.#next + 1) % pool.length;
    return pool[this.#next] as Shared;
  }

  /** What net-snmp's `dgramModule` option expects. */
  readonly dgramModule = {
    createSocket: (type: 'udp4' | 'udp6' | { type: 'udp4' | 'udp6' }) =>
      new SocketFacade(this.#shared(typeof type === 'string' ? type : type.type)),
  };

  /** UDP sockets open (for metrics and the benchmark). */
  get socketCount(): number {
    let n = 0;
    for (const pool of this.#pools.values()) n += pool.length;
    return n;
  }

  /** Local ports of the shared sockets that have sent something (tests aim strangers at them). */
  get localPorts(): number[] {
    const ports: number[] = [];
    for (const pool of this.#pools.values())
      for (const { socket } of pool) {
        try {
          ports.push(socket.address().port);
        } catch {
          // not bound yet: it has sent nothing
        }
      }
    return ports;
  }

  close(): void {
    for (const pool of this.#pools.values()) for (const shared of pool) shared.socket.close();
    this.#pools.clear();
  }
}
