import type { Environment } from '../config/env.js';
import { runIncidentWrite } from './incidents.js';
import type { Output } from './output.js';

/**
 * `netwatch note ID "text" [--author NAME]`: a responder note in the incident's timeline, through
 * the running daemon (the same path as ack and resolve, see incidents.ts).
 */
export function runNote(
  options: {
    readonly file: string;
    readonly id: string;
    readonly text: string;
    readonly author: string | undefined;
  },
  env: Environment,
  out: Output,
): Promise<number> {
  return runIncidentWrite(
    { file: options.file, id: options.id, action: 'notes', text: options.text, author: options.author },
    env,
    out,
  );
}
