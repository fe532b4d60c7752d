import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DeviceMemory, emptyMemory } from '../detect/memory.js';

/**
 * Device memory on disk: `state/<device>.json` in storage.dir, replaced atomically (write a temp
 * file, rename) after each poll's events are journaled. Read back at start-up, so the
 * first poll after a restart compares against what netwatch last saw. bigint counters are kept
 * as {"$bigint": "…"} so no device text can be mistaken for one.
 */

const replacer = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? { $bigint: value.toString() } : value;
const reviver = (_key: string, value: unknown) =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  typeof (value as { $bigint?: unknown }).$bigint === 'string'
    ? BigInt((value as { $bigint: string }).$bigint)
    : value;

/** Device memory as stored on disk, and back. */
export const serializeMemory = (memory: DeviceMemory): string => JSON.stringify(memory, replacer);
export const parseMemory = (text: string): DeviceMemory => JSON.parse(text, reviver) as DeviceMemory;

/** Fills in sections and fields added since the file was written (newer netwatch, older state). */
function withDefaults(saved: DeviceMemory): DeviceMemory {
  const base = emptyMemory(saved.device, saved.savedAt) as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(saved)) {
    const fallback = base[key];
    const bothObjects =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      fallback !== null &&
      typeof fallback === 'object' &&
      !Array.isArray(fallback);
    merged[key] = bothObjects ? { ...(fallback as object), ...(value as object) } : value;
  }
  return merged as unknown as DeviceMemory;
}

/** The device-memory seam. */
export interface MemoryStore {
  loadAll(): Map<string, DeviceMemory>;
  save(memory: DeviceMemory): Promise<void>;
}

/** The fake: memories kept in a Map, marked fromDisk on load like the real one. */
export class InMemoryStore implements MemoryStore {
  readonly saved = new Map<string, DeviceMemory>();
  loadAll(): Map<string, DeviceMemory> {
    return new Map([...this.saved].map(([k, m]) => [k, { ...m, fromDisk: true }]));
  }
  async save(memory: DeviceMemory): Promise<void> {
    this.saved.set(memory.device, memory);
  }
}

export class StateStore implements MemoryStore {
  readonly #dir: string;

  constructor(storageDir: string) {
    this.#dir = join(storageDir, 'state');
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Every readable saved memory, marked `fromDisk`. A corrupt file is skipped (that device starts fresh). */
  loadAll(): Map<string, DeviceMemory> {
    const out = new Map<string, DeviceMemory>();
    for (const file of readdirSync(this.#dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        const memory = parseMemory(readFileSync(join(this.#dir, file), 'utf8'));
        if (typeof memory.device === 'string')
          out.set(memory.device, { ...withDefaults(memory), fromDisk: true });
      } catch {
        // torn or foreign file: ignore it; the device is learned again on its next poll
      }
    }
    return out;
  }

  async save(memory: DeviceMemory): Promise<void> {
    const path = join(this.#dir, `${memory.device}.json`);
    const temp = `${path}.tmp`;
    // No fsync: the journal is the durable record (fsync'd); this file only has to survive a
    // process crash, which the page cache does. After a power loss a torn file is skipped at load
    // and the device is learned again — without false events, only without "detected after restart".
    await writeFile(temp, serializeMemory(memory));
    await rename(temp, path);
  }
}
