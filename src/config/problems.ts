import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import { SECRET_KEYS } from './schema.js';

export type KeyPath = readonly (string | number)[];

/** One thing wrong with a configuration file, before it is given a line and column. */
export interface Problem {
  readonly path: KeyPath;
  readonly message: string;
  /** Point at the key itself (an unknown key) rather than at its value. */
  readonly atKey?: boolean;
  /** A position already known (YAML syntax errors). */
  readonly offset?: number;
}

export interface LocatedProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

/** `devices[1].snmp.version`; the document root is `(root)`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatProblem(p: LocatedProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`;
}

/** True when the value at this path is a credential and must never be echoed. */
export function isSecretPath(path: KeyPath): boolean {
  return path.some((part) => typeof part === 'string' && SECRET_KEYS.has(part));
}

/** How a bad value is named in a message: quoted strings, short, never a secret. */
export function describeValue(value: unknown, path: KeyPath): string {
  if (isSecretPath(path)) return '<secret>';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function pairAt(node: Node | null | undefined, key: string | number): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(key));
}

function childAt(node: Node | null | undefined, key: string | number): Node | undefined {
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined || item === null ? undefined : (item as Node);
  }
  const pair = pairAt(node, key);
  if (!pair) return undefined;
  // `key:` with no value has a null value node: point at the key then.
  return (pair.value as Node | null) ?? (pair.key as Node);
}

/**
 * The source offset for a problem: the deepest node of its path that exists (a missing key is
 * reported where its parent mapping is), or the key itself for `atKey` problems.
 */
export function offsetOf(doc: Document, problem: Problem): number {
  if (problem.offset !== undefined) return problem.offset;
  let node: Node | undefined = (doc.contents as Node | null) ?? undefined;
  let offset = node?.range?.[0] ?? 0;
  const { path } = problem;
  for (let i = 0; i < path.length; i += 1) {
    const part = path[i] as string | number;
    if (problem.atKey && i === path.length - 1) {
      const pair = pairAt(node, part);
      if (pair && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      return offset;
    }
    const next = childAt(node, part);
    if (!next) return offset;
    node = next;
    offset = next.range?.[0] ?? offset;
  }
  if (isPair(node)) return offset;
  return offset;
}

export function locate(
  file: string,
  doc: Document,
  lines: LineCounter,
  problems: readonly Problem[],
): LocatedProblem[] {
  return problems
    .map((problem) => {
      const { line, col } = lines.linePos(offsetOf(doc, problem));
      return { file, line, col, path: formatKeyPath(problem.path), message: problem.message };
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
