/**
 * A minimal Prometheus text-format (0.0.4) writer for the per-device families. Why not prom-client
 * for these: with 2,000 devices × 48 interfaces (~290k series) prom-client's per-series label
 * objects made one render take 1.9 s and +300 MB of heap (bench/poll, memtest in BENCHMARKS.md);
 * writing lines straight from the latest snapshots takes a fraction of that and keeps nothing.
 * prom-client still owns the low-cardinality counters and the Node process metrics.
 */

export type MetricType = 'gauge' | 'counter';

/** Label value escaping per the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : value;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export class ExpositionWriter {
  readonly #lines: string[] = [];

  /** Starts a family: its HELP and TYPE lines. Call `sample` for each series after it. */
  family(name: string, help: string, type: MetricType): this {
    this.#lines.push(
      `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
      `# TYPE ${name} ${type}`,
    );
    return this;
  }

  /** `labels` is a pre-rendered, already escaped `{a="b",…}` block (or ''), so shared prefixes are built once. */
  sample(name: string, labels: string, value: number): void {
    this.#lines.push(`${name}${labels} ${formatValue(value)}`);
  }

  text(): string {
    return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`;
  }
}

/** Renders `{k="v",…}` with escaping. */
export function labelBlock(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
