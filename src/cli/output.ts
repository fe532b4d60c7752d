/** Where a command writes: stdout for results, stderr for problems. A seam so tests can capture both. */
export interface Output {
  print(line: string): void;
  error(line: string): void;
}

export const processOutput: Output = {
  print: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};
