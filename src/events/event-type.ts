/**
 * The one list of event types (SPEC.md "Events"). The same snake_case string is used unchanged in
 * the journal, the API, metric labels, page_on and reports.
 */
export const EVENT_TYPES = [
  'process_crash',
  'process_restart',
  'process_stuck',
  'master_switchover',
  'member_down',
  'member_up',
  'member_reboot',
  'vc_split_brain',
  'device_reboot',
  'device_unreachable',
  'device_reachable',
  'traffic_drop',
  'traffic_recovered',
  'traffic_imbalance',
  'interface_down',
  'interface_up',
  'config_change',
  'alarm_raised',
  'alarm_cleared',
  'baseline_accepted',
  'member_renumbered',
  'poll_degraded',
  'netconf_host_key_changed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
