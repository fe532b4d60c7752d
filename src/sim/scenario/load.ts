import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatKeyPath,
  type KeyPath,
  type LocatedProblem,
  locate,
  offsetOf,
  type Problem,
} from '../../config/problems.js';
import { checkReferences } from '../../config/references.js';
import { configSchema } from '../../config/schema.js';
import {
  defaultIssueMessage,
  parseYamlSource,
  problemsFromIssue,
  readSourceFile,
} from '../../config/yaml-source.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { checkScenario, expandName } from './check.js';
import { resolveScenario } from './resolve.js';
import { type RawScenario, scenarioSchema } from './schema.js';
import type { Scenario } from './types.js';

export type ScenarioLoadResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly kind: 'invalid'; readonly problems: readonly LocatedProblem[] }
  | { readonly ok: false; readonly kind: 'unreadable'; readonly reason: string };

export interface ScenarioLoadOptions {
  /** The recordings a fleet device may be seeded from (default: `listSeeds()`). */
  readonly seeds?: readonly string[];
}

/**
 * The package root: the nearest folder above this module holding package.json. This module runs
 * from src/sim/scenario (vitest) and from dist/src/sim/scenario (after `npm run build`).
 */
export { PACKAGE_ROOT };
/** The SNMP recordings fleet devices are seeded from. */
export const SEEDS_DIR = join(PACKAGE_ROOT, 'test/fixtures/snmprec');
/** The built-in scenarios (`netwatch simulate --scenario NAME`). */
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');

function basenames(dir: string, extension: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(extension))
      .map((f) => f.slice(0, -extension.length))
      .sort();
  } catch {
    return [];
  }
}

/** The recordings in SEEDS_DIR, without `.snmprec`, sorted ([] when the folder is missing). */
export function listSeeds(): string[] {
  return basenames(SEEDS_DIR, '.snmprec');
}

/** The built-in scenario names (files in SCENARIOS_DIR), sorted. */
export function listScenarios(): string[] {
  return basenames(SCENARIOS_DIR, '.yaml');
}

/** A bare name (no `/`, no `.yaml`) is a built-in scenario, `scenarios/NAME.yaml`; anything else a path, as given. */
export function resolveScenarioPath(nameOrFile: string): string {
  const bare = !/[/\\]/.test(nameOrFile) && !/\.ya?ml$/.test(nameOrFile);
  return bare ? join(SCENARIOS_DIR, `${nameOrFile}.yaml`) : nameOrFile;
}

/**
 * Validates scenario text: every problem (schema and cross-references) at once, each at its
 * node. Reads nothing but the recordings list (pass `seeds` to read nothing at all).
 */
export function loadScenarioText(
  text: string,
  file: string,
  options: ScenarioLoadOptions = {},
): ScenarioLoadResult {
  const source = parseYamlSource(text, file, {
    empty: 'the file is empty: expected a scenario (scenario, description, end, fleet, steps, expect)',
  });
  if (!source.ok) return { ok: false, kind: 'invalid', problems: source.problems };
  const { doc, lines } = source;
  const tree: unknown = doc.toJS();
  const parsed = scenarioSchema(options.seeds ?? listSeeds()).safeParse(tree, {
    reportInput: true,
    error: defaultIssueMessage,
  });
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.flatMap((i) => problemsFromIssue(i));
  // A value the schema rejects is reported once: cross-checks at the same key are dropped.
  const rejected = new Set(problems.map((p) => formatKeyPath(p.path)));
  problems.push(...checkScenario(tree).filter((p) => !rejected.has(formatKeyPath(p.path))));
  if (parsed.success && problems.length === 0) problems.push(...configProblems(parsed.data));
  if (!parsed.success || problems.length > 0)
    return { ok: false, kind: 'invalid', problems: locate(file, doc, lines, problems) };
  const where = (path: KeyPath) => {
    const { line, col } = lines.linePos(offsetOf(doc, { path, message: '' }));
    return `${file}:${line}:${col}`;
  };
  return { ok: true, scenario: resolveScenario(parsed.data, file, where) };
}

/** Reads and validates a scenario file (a path; see resolveScenarioPath for names). */
export async function loadScenarioFile(
  file: string,
  options: ScenarioLoadOptions = {},
): Promise<ScenarioLoadResult> {
  const read = await readSourceFile(file);
  if (!read.ok) return { ok: false, kind: 'unreadable', reason: read.reason };
  return loadScenarioText(read.text, file, options);
}

/**
 * The `config:` section becomes part of the devices.yaml netwatch runs on: validate it now, with
 * netwatch's own schema and cross-references, against the fleet, so a bad cron or a misspelt key
 * is an error at its line in the scenario, not in a generated file nobody sees.
 */
function configProblems(raw: RawScenario): Problem[] {
  const devices = raw.fleet.flatMap((entry) =>
    expandName(entry.name, entry.count).map((name) => ({
      name,
      host: '127.0.0.1',
      ...(entry.site === undefined ? {} : { site: entry.site }),
    })),
  );
  const tree = { ...raw.config, devices };
  const parsed = configSchema.safeParse(tree, { reportInput: true, error: defaultIssueMessage });
  const found = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((i) => problemsFromIssue(i))),
    ...checkReferences(tree),
  ];
  return found.map((p) => ({
    ...p,
    path: ['config', ...p.path],
    message: p.message.replace(/ in this file$/, ' in the fleet'),
  }));
}
