/**
 * Human-readable event ids: `20261121T094800Z-asw1-eqsin-42` (event time, then what makes it
 * unique: the device and its seq). Ids imported from the old journal keep their
 * `20261121T094800Z-000042` form. A number is zero-padded to 6 digits.
 */
export function eventId(time: number, unique: number | string): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${typeof unique === 'number' ? String(unique).padStart(6, '0') : unique}`;
}
