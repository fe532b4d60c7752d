/**
 * NETCONF message framing over SSH (RFC 6242): base:1.0 end-of-message `]]>]]>` and base:1.1
 * chunked framing. The hello exchange is always end-of-message framed; both sides switch to
 * chunked framing after it when both offered base:1.1.
 */
export type Framing = '1.0' | '1.1';

const EOM = Buffer.from(']]>]]>');
const MAX_CHUNK_HEADER = 13; // "\n#" + up to 10 digits (2^32-1) + "\n"
const MAX_MESSAGE_BYTES = 64 << 20;

export class FramingError extends Error {}

export class Deframer {
  #buffer: Buffer = Buffer.alloc(0);
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  mode: Framing = '1.0';

  constructor(private readonly onMessage: (xml: string) => void) {}

  /** Feeds bytes from the channel; throws FramingError on a malformed stream. */
  push(data: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    for (;;) {
      if (this.mode === '1.0') {
        const end = this.#buffer.indexOf(EOM);
        if (end < 0) {
          if (this.#buffer.length > MAX_MESSAGE_BYTES) throw new FramingError('message exceeds 64 MiB');
          return;
        }
        const message = this.#buffer.subarray(0, end).toString('utf8');
        this.#buffer = this.#buffer.subarray(end + EOM.length);
        this.onMessage(message.trim());
        continue;
      }
      if (this.#buffer.length < 4) return;
      if (this.#buffer[0] !== 0x0a || this.#buffer[1] !== 0x23) {
        throw new FramingError(
          `bad chunk header ${JSON.stringify(this.#buffer.subarray(0, 16).toString('latin1'))}`,
        );
      }
      if (this.#buffer[2] === 0x23) {
        if (this.#buffer[3] !== 0x0a) throw new FramingError('bad end-of-chunks marker');
        this.#buffer = this.#buffer.subarray(4);
        const message = Buffer.concat(this.#chunks).toString('utf8');
        this.#chunks = [];
        this.#chunkBytes = 0;
        this.onMessage(message.trim());
        continue;
      }
      const newline = this.#buffer.indexOf(0x0a, 2);
      if (newline < 0) {
        if (this.#buffer.length > MAX_CHUNK_HEADER) throw new FramingError('chunk header too long');
        return;
      }
      const digits = this.#buffer.subarray(2, newline).toString('latin1');
      const size = /^[1-9][0-9]{0,9}$/.test(digits) ? Number(digits) : Number.NaN;
      if (!(size >= 1 && size <= 4294967295))
        throw new FramingError(`bad chunk size ${JSON.stringify(digits)}`);
      if (this.#buffer.length < newline + 1 + size) return;
      this.#chunks.push(this.#buffer.subarray(newline + 1, newline + 1 + size));
      this.#chunkBytes += size;
      if (this.#chunkBytes > MAX_MESSAGE_BYTES) throw new FramingError('message exceeds 64 MiB');
      this.#buffer = this.#buffer.subarray(newline + 1 + size);
    }
  }
}

export function frame(mode: Framing, xml: string): string {
  return mode === '1.0' ? `${xml}\n]]>]]>` : `\n#${Buffer.byteLength(xml)}\n${xml}\n##\n`;
}
