/** Numeric OIDs read by one poll (Debian ships no MIB files). Sources: docs/juniper-reference.md. */

export const SYSTEM = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  snmpEngineBoots: '1.3.6.1.6.3.10.2.1.2.0',
  snmpEngineTime: '1.3.6.1.6.3.10.2.1.3.0',
  jnxRedAlarmState: '1.3.6.1.4.1.2636.3.4.2.3.1.0',
  jnxRedAlarmCount: '1.3.6.1.4.1.2636.3.4.2.3.2.0',
  jnxYellowAlarmState: '1.3.6.1.4.1.2636.3.4.2.2.1.0',
  jnxYellowAlarmCount: '1.3.6.1.4.1.2636.3.4.2.2.2.0',
  /** HOST-RESOURCES hrSystemUptime: the host's clock, independent of the SNMP agent's. */
  hrSystemUptime: '1.3.6.1.2.1.25.1.1.0',
  /** ifNumber and ifTableLastChange: when either moves, the static interface columns are re-read. */
  ifNumber: '1.3.6.1.2.1.2.1.0',
  ifTableLastChange: '1.3.6.1.2.1.31.1.5.0',
} as const;

/**
 * JUNIPER-MIB jnxOperatingUpTime (TimeInterval, centiseconds) of the Routing Engine rows only
 * (contents index 9): walking this subtree reads one or two rows, not the whole operating table.
 */
export const RE_UPTIME = '1.3.6.1.4.1.2636.3.1.13.1.13.9';

/** IF-MIB ifTable / ifXTable columns. */
export const IF = {
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInOctets: '1.3.6.1.2.1.2.2.1.10',
  ifOutOctets: '1.3.6.1.2.1.2.2.1.16',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
  ifAlias: '1.3.6.1.2.1.31.1.1.1.18',
  ifCounterDiscontinuityTime: '1.3.6.1.2.1.31.1.1.1.19',
} as const;

/** HOST-RESOURCES-MIB hrSWRunTable (index = PID). Junos serves none. */
export const HR_SWRUN = {
  name: '1.3.6.1.2.1.25.4.2.1.2',
  status: '1.3.6.1.2.1.25.4.2.1.7',
} as const;

/** JUNIPER-VIRTUALCHASSIS-MIB member table (entry …40.1.4.1.1.1, index = member id). */
export const VC_MEMBER = {
  serial: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.2',
  role: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3',
  mac: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.4',
  version: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.5',
  priority: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.6',
  uptime: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.7',
  model: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.8',
} as const;

/** JUNIPER-VIRTUALCHASSIS-MIB port table (index = fpcId . length-prefixed port name). */
export const VC_PORT = {
  operStatus: '1.3.6.1.4.1.2636.3.40.1.4.1.2.1.4',
} as const;

/** JUNIPER-MIB jnxRedundancyTable (index = contents.L1.L2.L3). */
export const REDUNDANCY = {
  descr: '1.3.6.1.4.1.2636.3.1.14.1.5',
  config: '1.3.6.1.4.1.2636.3.1.14.1.6',
  state: '1.3.6.1.4.1.2636.3.1.14.1.7',
  switchoverCount: '1.3.6.1.4.1.2636.3.1.14.1.8',
  switchoverTime: '1.3.6.1.4.1.2636.3.1.14.1.9',
  switchoverReason: '1.3.6.1.4.1.2636.3.1.14.1.10',
} as const;

/** JUNIPER-CFGMGMT-MIB jnxCmCfgChgEventTable (index = event index). */
export const CONFIG_CHANGE = {
  time: '1.3.6.1.4.1.2636.3.18.1.7.1.2',
  source: '1.3.6.1.4.1.2636.3.18.1.7.1.4',
  user: '1.3.6.1.4.1.2636.3.18.1.7.1.5',
} as const;
