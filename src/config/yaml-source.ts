import { readFile } from 'node:fs/promises';
import { type Document, isScalar, LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { describeValue, formatKeyPath, type LocatedProblem, locate, type Problem } from './problems.js';

/**
 * What every strictly validated YAML file shares (devices.yaml, simulator scenarios): the document
 * with positions, the syntax-error and empty-file problems, and zod issues turned into problems
 * that name the bad value.
 */

export type YamlSource =
  | { readonly ok: true; readonly doc: Document; readonly lines: LineCounter }
  | { readonly ok: false; readonly problems: LocatedProblem[] };

export interface YamlSourceOptions {
  /** The message for an empty file, such as `the file is empty: expected a mapping with a "devices" list`. */
  readonly empty: string;
  /** Extra words for a syntax error, given the text of the line it is on ('' for none). */
  readonly syntaxHint?: (lineText: string) => string;
}

/** Parses YAML keeping positions; duplicate keys are syntax errors. */
export function parseYamlSource(text: string, file: string, options: YamlSourceOptions): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the first: after a syntax error the parser's later complaints are echoes of it.
    const [first] = doc.errors as [YAMLError, ...YAMLError[]];
    const lineText =
      text.slice(0, first.pos[0]).split('\n').pop() + (text.slice(first.pos[0]).split('\n')[0] ?? '');
    const problem = {
      path: [],
      offset: first.pos[0],
      message: `YAML syntax error: ${first.message.split('\n')[0]}${options.syntaxHint?.(lineText) ?? ''}`,
    };
    return { ok: false, problems: locate(file, doc, lines, [problem]) };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { ok: false, problems: [{ file, line: 1, col: 1, path: '(root)', message: options.empty }] };
  }
  return { ok: true, doc, lines };
}

/**
 * Problems for one zod issue. `written` maps key paths to the text as written for values that
 * were rewritten before validation (`${VAR}`): those are echoed as written, never expanded (the
 * value may be a secret placed in the wrong key).
 */
export function problemsFromIssue(
  issue: z.core.$ZodIssue,
  written: ReadonlyMap<string, string> = new Map(),
): Problem[] {
  const path = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: `unknown key "${key}"` }));
  }
  if (issue.code === 'invalid_key') {
    // A mapping key of the wrong form: the key's own issue, pointing at the key.
    const message = issue.issues[0]?.message ?? issue.message;
    return [{ path, atKey: true, message: `${message}, got ${describeValue(issue.input, [])}` }];
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // `snmp: false | {...}`: when the value had the right shape for one branch (its issues sit
    // below the value, not on it), report that branch's issues instead of "matches no option".
    const shaped = issue.errors.find(
      (branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0),
    );
    if (shaped)
      return shaped.flatMap((inner) =>
        problemsFromIssue({ ...inner, path: [...issue.path, ...inner.path] }, written),
      );
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) {
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

/** Default wording for issues a schema did not word itself (zod's `error` parse option). */
export function defaultIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
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

/** Reads a text file (the files seam of the loaders); a failure is a value naming the file. */
export async function readSourceFile(
  file: string,
): Promise<{ readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string }> {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, reason: `${file}: cannot read (${code})` };
  }
}
