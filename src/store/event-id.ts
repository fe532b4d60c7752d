/** Sortable, human-readable event ids: `20261121T094800Z-000042` (event time, global counter). */
export function eventId(time: number, counter: number): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${String(counter).padStart(6, '0')}`;
}
