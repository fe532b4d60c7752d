/**
 * What happened on a simulated switch, as the device model records it (pure data, stamped with
 * scenario time). `junos-notices.ts` turns each into the traps and syslog lines a real Junos
 * switch sends; the scenario runner prints them as progress.
 */
export type Happening =
  | {
      readonly kind: 'process_crash';
      readonly process: string;
      readonly pid: number;
      readonly signal: number;
      readonly coreFile?: string;
    }
  | { readonly kind: 'process_start'; readonly process: string; readonly pid: number }
  | {
      readonly kind: 'switchover';
      readonly from: number | undefined;
      readonly to: number;
      /** jnxRedundancyTable row of the new master (index suffix), its switchover count and time (sysUpTime cs). */
      readonly redundancyIndex?: string;
      readonly switchoverCount?: number;
    }
  | {
      readonly kind: 'member_down' | 'member_up';
      readonly member: number;
      readonly serial: string;
      readonly role: 'master' | 'backup' | 'linecard';
      readonly model: string;
    }
  | {
      readonly kind: 'link';
      readonly ifIndex: number;
      readonly ifName: string;
      readonly up: boolean;
      readonly adminUp: boolean;
    }
  | { readonly kind: 'config_commit'; readonly user: string; readonly source: string }
  /** The whole device came back from a reboot (the agent's first message: coldStart). */
  | { readonly kind: 'cold_start' }
  /** Only the SNMP agent restarted. */
  | { readonly kind: 'agent_restart' }
  /** A VC port lost its adjacency (a hint that precedes a member loss). */
  | { readonly kind: 'vccp_adjdown'; readonly member: number };

export interface StampedHappening {
  readonly device: string;
  readonly timeMs: number;
  /** The agent's sysUpTime (cs) at that moment: traps carry it. */
  readonly uptimeCs: number;
  readonly happening: Happening;
}
