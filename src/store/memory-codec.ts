import { type DeviceMemory, EMPTY_TRAFFIC, emptyMemory } from '../detect/memory.js';

/**
 * Device memory as stored text, and back. bigint counters are written as {"$bigint": "…"}, an
 * object no device text can produce, so nothing a device sends is mistaken for one.
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

export const serializeMemory = (memory: DeviceMemory): string => JSON.stringify(memory, replacer);

/** Parsed, not yet checked: the caller fills defaults (memoryWithDefaults) for older shapes. */
export const parseStoredJson = (text: string): unknown => JSON.parse(text, reviver);

/**
 * Stored memory with the sections and fields added since it was written filled from
 * `emptyMemory` (a newer netwatch reading an older row). Undefined when it is not a memory at all.
 */
export function memoryWithDefaults(saved: unknown, device: string): DeviceMemory | undefined {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return undefined;
  const base = emptyMemory(device, 0) as unknown as Record<string, unknown>;
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
  const memory = merged as unknown as DeviceMemory;
  // Per-scope traffic memory gains fields too (one level deeper than the sections).
  const traffic = Object.fromEntries(
    Object.entries(memory.traffic ?? {}).map(([scope, t]) => [scope, { ...EMPTY_TRAFFIC, ...t }]),
  );
  return { ...memory, traffic, device };
}
