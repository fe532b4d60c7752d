import type { SnmpValue, Varbind } from './types.js';
import { compareOids } from './types.js';

/**
 * snmpsim's `.snmprec` format (`OID|TAG|VALUE`, one per line), as the real Juniper recordings in
 * test/fixtures/snmprec use it. Tags: 2 Integer, 4 OctetString (4x = hex), 6 OID, 64 IpAddress,
 * 65 Counter32, 66 Gauge32, 67 TimeTicks, 70 Counter64. Variation modules (`67:numeric`) keep
 * their base type and their `initial=` value.
 */

function decode(tag: string, raw: string): SnmpValue | undefined {
  const [base = '', variation] = tag.split(':');
  let value = raw;
  if (variation) value = /(?:^|,)initial=([^,]*)/.exec(raw)?.[1] ?? '0';
  switch (base) {
    case '2':
      return { type: 'int', value: Number(value) };
    case '4':
      return { type: 'octets', value: Buffer.from(value, 'utf8') };
    case '4x':
      return { type: 'octets', value: Buffer.from(value, 'hex') };
    case '6':
      return { type: 'oid', value };
    case '64':
      return { type: 'ip', value };
    case '65':
      return { type: 'counter32', value: Number(value) };
    case '66':
      return { type: 'gauge32', value: Number(value) };
    case '67':
      return { type: 'timeticks', value: Number(value) };
    case '70':
      return { type: 'counter64', value: BigInt(value) };
    default:
      return undefined;
  }
}

/** Parses a recording into varbinds sorted by OID; unknown tags are skipped. */
export function parseSnmprec(text: string): readonly Varbind[] {
  return new SnmprecRecording(text).varbinds;
}

interface Entry {
  oid: string;
  tag: string;
  raw: string;
  value: SnmpValue;
}

/**
 * A recording held in OID order that can be changed cell by cell and written back as .snmprec —
 * how tests (and the simulator) move a real device through a scenario. `varbinds` is live: a
 * FakeSnmp agent given it sees every change.
 */
export class SnmprecRecording {
  readonly #entries: Entry[];
  readonly #index = new Map<string, number>();

  constructor(text: string) {
    const entries: Entry[] = [];
    for (const line of text.split('\n')) {
      const first = line.indexOf('|');
      const second = line.indexOf('|', first + 1);
      if (first < 0 || second < 0) continue;
      const tag = line.slice(first + 1, second);
      const raw = line.slice(second + 1);
      const value = decode(tag, raw);
      if (value) entries.push({ oid: line.slice(0, first), tag, raw, value });
    }
    entries.sort((a, b) => compareOids(a.oid, b.oid));
    this.#entries = entries;
    this.#reindex();
  }

  #reindex(): void {
    this.#index.clear();
    this.#entries.forEach((e, i) => {
      this.#index.set(e.oid, i);
    });
  }

  get varbinds(): readonly Varbind[] {
    return this.#entries;
  }

  get(oid: string): SnmpValue | undefined {
    const i = this.#index.get(oid);
    return i === undefined ? undefined : this.#entries[i]?.value;
  }

  /** Sets (or inserts) one cell; `tag` as in .snmprec (2 Integer, 4 string, 65/66/67/70 …). */
  set(oid: string, tag: string, raw: string): this {
    const value = decode(tag, raw);
    if (!value) throw new Error(`unsupported snmprec tag ${tag}`);
    const i = this.#index.get(oid);
    if (i !== undefined) {
      this.#entries[i] = { oid, tag, raw, value };
      return this;
    }
    let at = this.#entries.findIndex((e) => compareOids(e.oid, oid) > 0);
    if (at < 0) at = this.#entries.length;
    this.#entries.splice(at, 0, { oid, tag, raw, value });
    this.#reindex();
    return this;
  }

  /** Removes every cell at or below `oid` (a member leaving the table, a column going away). */
  delete(oid: string): this {
    const keep = this.#entries.filter((e) => !(e.oid === oid || e.oid.startsWith(`${oid}.`)));
    this.#entries.splice(0, this.#entries.length, ...keep);
    this.#reindex();
    return this;
  }

  text(): string {
    return `${this.#entries.map((e) => `${e.oid}|${e.tag}|${e.raw}`).join('\n')}\n`;
  }
}
