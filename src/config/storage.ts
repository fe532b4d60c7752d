import { dirname, resolve } from 'node:path';
import type { Config } from './types.js';

/** storage.dir resolves against the folder of the configuration file, like Prometheus' paths. */
export function storageDirOf(config: Config): string {
  return resolve(dirname(config.source), config.storage.dir);
}
