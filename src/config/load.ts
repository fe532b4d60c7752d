import { isMap, isScalar, isSeq, type Node, parse, Scalar } from 'yaml';
import { type Environment, interpolate } from './env.js';
import { formatKeyPath, type KeyPath, type LocatedProblem, locate, type Problem } from './problems.js';
import { checkReferences } from './references.js';
import { resolveConfig } from './resolve.js';
import { configSchema, SECRET_KEYS } from './schema.js';
import type { Config } from './types.js';
import { defaultIssueMessage, parseYamlSource, problemsFromIssue, readSourceFile } from './yaml-source.js';

export type LoadResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly kind: 'invalid'; readonly problems: readonly LocatedProblem[] }
  | { readonly ok: false; readonly kind: 'unreadable'; readonly reason: string };

/** Expands ${VAR} in every value scalar, in place; unset variables become problems at their scalar. */
interface Interpolation {
  readonly env: Environment;
  readonly problems: Problem[];
  /** key path → the text as written, for every value that came from the environment. */
  readonly written: Map<string, string>;
}

function interpolateTree(node: Node | null | undefined, path: KeyPath, state: Interpolation): void {
  const { env, problems } = state;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key))
        interpolateTree(pair.value as Node | null, [...path, String(pair.key.value)], state);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      interpolateTree(item as Node | null, [...path, index], state);
    });
  } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
    const result = interpolate(node.value, env);
    if (!result.ok) {
      for (const name of result.missing)
        problems.push({
          path,
          message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
        });
      node.value = null;
      return;
    }
    state.written.set(formatKeyPath(path), node.value);
    // A plain (unquoted) scalar is retyped after expansion, so `port: ${PORT:-161}` is a number;
    // quoted scalars and secrets stay strings.
    const last = path[path.length - 1];
    const isSecret = typeof last === 'string' && SECRET_KEYS.has(last);
    node.value = node.type === Scalar.PLAIN && !isSecret ? retype(result.value) : result.value;
  }
}

function retype(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}

/** Validates configuration text. Pure: the environment is passed in, nothing is read. */
export function loadConfigText(text: string, file: string, env: Environment): LoadResult {
  const source = parseYamlSource(text, file, {
    empty: 'the file is empty: expected a mapping with a "devices" list',
    syntaxHint: (lineText) =>
      lineText.includes('${') ? ' (a ${VAR} inside { } or [ ] must be quoted: "${VAR}")' : '',
  });
  if (!source.ok) return { ok: false, kind: 'invalid', problems: source.problems };
  const { doc, lines } = source;
  const problems: Problem[] = [];
  const written = new Map<string, string>();
  interpolateTree(doc.contents as Node, [], { env, problems, written });
  const unset = new Set(problems.map((p) => formatKeyPath(p.path)));

  const tree: unknown = doc.toJS();
  problems.push(...checkReferences(tree));
  const parsed = configSchema.safeParse(tree, { reportInput: true, error: defaultIssueMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const problem of problemsFromIssue(issue, written)) {
        // An unset ${VAR} was already reported at this key; do not also call it "required".
        if (!unset.has(formatKeyPath(problem.path))) problems.push(problem);
      }
    }
    return { ok: false, kind: 'invalid', problems: locate(file, doc, lines, problems) };
  }
  const resolved = resolveConfig(parsed.data, file);
  problems.push(...resolved.problems);
  if (problems.length > 0)
    return { ok: false, kind: 'invalid', problems: locate(file, doc, lines, problems) };
  return { ok: true, config: resolved.config };
}

/** Reads and validates a configuration file (the files seam for configuration). */
export async function loadConfigFile(file: string, env: Environment): Promise<LoadResult> {
  const read = await readSourceFile(file);
  if (!read.ok) return { ok: false, kind: 'unreadable', reason: read.reason };
  return loadConfigText(read.text, file, env);
}
