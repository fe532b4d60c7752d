import type { Varbind } from '../snmp/types.js';

/**
 * What a simulated switch announces by itself when a scenario step happens: a trap or a syslog
 * line. The device model (pure) returns notices; `emit.ts` sends them to the targets, in order.
 */
export type Notice = TrapNotice | SyslogNotice;

export interface TrapNotice {
  readonly kind: 'trap';
  readonly device: string;
  /** Scenario wall time when it was raised (ms since epoch). */
  readonly timeMs: number;
  /** snmpTrapOID.0, e.g. 1.3.6.1.6.3.1.1.5.3 (linkDown) or 1.3.6.1.4.1.2636.4.1.4 (jnxRedundancySwitchover). */
  readonly trapOid: string;
  /** sysUpTime.0 of the agent when raised (centiseconds): the first varbind of a v2c/v3 trap. */
  readonly uptimeCs: number;
  /** The trap's own varbinds (after sysUpTime.0 and snmpTrapOID.0, which the sender adds). */
  readonly varbinds: readonly Varbind[];
}

export interface SyslogNotice {
  readonly kind: 'syslog';
  readonly device: string;
  readonly timeMs: number;
  /** The HOSTNAME field (Junos: the host name, which the simulator sets to the device name). */
  readonly hostname: string;
  /** RFC 5424 facility number (daemon 3, auth 4, user 1, local7 23…) and severity (0 emerg … 7 debug). */
  readonly facility: number;
  readonly severity: number;
  /** APP-NAME / 3164 TAG: `init`, `chassisd`, `mgd`, `mib2d`, `vccpd`… */
  readonly app: string;
  readonly pid?: number;
  /** The Junos event tag (`UI_COMMIT`, `SNMP_TRAP_LINK_DOWN`…), the RFC 5424 MSGID; absent for plain lines like init's. */
  readonly msgid?: string;
  /** The message text after `app[pid]: ` as Junos writes it (including the event tag prefix when Junos puts one). */
  readonly text: string;
}
