import type { Happening, StampedHappening } from './happening.js';
import { happeningNotices } from './junos-notices.js';
import type { Notice } from './notice.js';

/**
 * What the simulator prints and sends for a happening: the notices a Junos switch would send
 * (junos-notices.ts) and one line a person reads in the progress output.
 */

export function noticesFor(h: StampedHappening, ctx: { readonly hostname: string }): Notice[] {
  return happeningNotices(h, ctx.hostname);
}

type Of<K extends Happening['kind']> = Happening & { readonly kind: K };

const DESCRIBE = {
  process_crash: (h) =>
    `${h.process} (PID ${h.pid}) killed by signal ${h.signal}${h.coreFile ? `, core ${h.coreFile}` : ''}`,
  process_start: (h) => `${h.process} started (PID ${h.pid})`,
  switchover: (h) => `VC master moved from member ${h.from ?? '?'} to member ${h.to}`,
  member_down: (h) => `VC member ${h.member} (${h.model}, ${h.serial}, ${h.role}) left`,
  member_up: (h) => `VC member ${h.member} (${h.model}, ${h.serial}) is back as ${h.role}`,
  link: (h) => `${h.ifName} went ${h.up ? 'up' : 'down'}`,
  config_commit: (h) => `configuration committed by ${h.user} (${h.source})`,
  cold_start: () => 'back from a reboot (cold start)',
  agent_restart: () => 'SNMP agent restarted (warm start)',
  vccp_adjdown: (h) => `VCCP adjacency lost towards member ${h.member}`,
} satisfies { [K in Happening['kind']]: (h: Of<K>) => string };

export function describeHappening(h: Happening): string {
  return (DESCRIBE[h.kind] as (h: Happening) => string)(h);
}
