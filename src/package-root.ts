import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package's root folder (the nearest one up with a package.json): code runs from `src/`
 * under vitest and from `dist/src/` after a build, and ships data beside it (scenarios/, the
 * recordings in test/fixtures/snmprec).
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(from, '..');
  }
}

export const PACKAGE_ROOT = findPackageRoot(import.meta.dirname);
