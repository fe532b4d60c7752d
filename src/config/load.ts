import { readFile } from 'node:fs/promises';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  Scalar,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { type Environment, interpolate } from './env.js';
import {
  describeValue,
  formatKeyPath,
  type KeyPath,
  type LocatedProblem,
  locate,
  type Problem,
} from './problems.js';
import { checkReferences } from './references.js';
import { resolveConfig } from './resolve.js';
import { configSchema, SECRET_KEYS } from './schema.js';
import type { Config } from './types.js';

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

/**
 * A value from the environment is echoed as written (`"${X}"`), never expanded: it may be a
 * secret placed in the wrong key.
 */
function problemFromIssue(issue: z.core.$ZodIssue, written: ReadonlyMap<string, string>): Problem[] {
  const path = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: `unknown key "${key}"` }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // `snmp: false | {...}`: when the value had the right shape for one branch (its issues sit
    // below the value, not on it), report that branch's issues instead of "matches no option".
    const shaped = issue.errors.find(
      (branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0),
    );
    if (shaped)
      return shaped.flatMap((inner) =>
        problemFromIssue({ ...inner, path: [...issue.path, ...inner.path] }, written),
      );
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path, message: 'is required' }];
  }
  const echo = ['invalid_type', 'invalid_value', 'too_small', 'too_big', 'invalid_format', 'invalid_union'];
  const scalar = 'input' in issue && (typeof issue.input !== 'object' || issue.input === null);
  const message =
    echo.includes(issue.code) && scalar
      ? `${issue.message}, got ${describeValue(written.get(formatKeyPath(path)) ?? issue.input, path)}`
      : issue.message;
  return [{ path, message }];
}

/** Default wording for issues the schema did not word itself. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return undefined;
  }
}

/** Validates configuration text. Pure: the environment is passed in, nothing is read. */
export function loadConfigText(text: string, file: string, env: Environment): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the first: after a syntax error the parser's later complaints are echoes of it.
    const [first] = doc.errors as [YAMLError, ...YAMLError[]];
    const lineText =
      text.slice(0, first.pos[0]).split('\n').pop() + (text.slice(first.pos[0]).split('\n')[0] ?? '');
    const hint = lineText.includes('${') ? ' (a ${VAR} inside { } or [ ] must be quoted: "${VAR}")' : '';
    const problem = {
      path: [],
      offset: first.pos[0],
      message: `YAML syntax error: ${first.message.split('\n')[0]}${hint}`,
    };
    return { ok: false, kind: 'invalid', problems: locate(file, doc, lines, [problem]) };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      ok: false,
      kind: 'invalid',
      problems: [
        {
          file,
          line: 1,
          col: 1,
          path: '(root)',
          message: 'the file is empty: expected a mapping with a "devices" list',
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const written = new Map<string, string>();
  interpolateTree(doc.contents as Node, [], { env, problems, written });
  const unset = new Set(problems.map((p) => formatKeyPath(p.path)));

  const tree: unknown = doc.toJS();
  problems.push(...checkReferences(tree));
  const parsed = configSchema.safeParse(tree, { reportInput: true, error: defaultMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const problem of problemFromIssue(issue, written)) {
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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, kind: 'unreadable', reason: `${file}: cannot read (${code})` };
  }
  return loadConfigText(text, file, env);
}
