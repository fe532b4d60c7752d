import type { EventDetails } from './event.js';

/**
 * Fact keys: what makes two sightings "the same fact". The store holds each (device, type, fact)
 * once under a unique index; a second sighting (a trap after the poll, a second replica, a
 * re-found change after a restart) is recorded as a witness of the first, never as a new event.
 *
 * A fact names the thing and the occurrence, never the source of the sighting:
 * - a reboot: the boot epoch (wall time minus uptime, to the minute), fixed in the device's
 *   memory when the boot is first seen;
 * - a switchover with a redundancy count: the new master, the count and the boot epoch (the
 *   count restarts with the device); without a count: from → to and the time first observed;
 * - a crash: the process, its old PID and the boot epoch (PIDs repeat after a reboot);
 * - a state transition (an interface, a member, an alarm, reachability, traffic): the thing and
 *   the time the new state began, as first observed.
 *
 * Known limit: a transition keyed by the time first observed is the same fact for every sighting
 * that goes through one device's memory (a poll, then a trap: the memory already holds the new
 * state), but two observers with separate memories would date it differently. Device-side
 * change times (ifLastChange, alarm on-times) replace the observed time where traps and syslog
 * need them (issue 10).
 */

/** The details that name what an event is about, in a fixed order. */
const IDENTITY = [
  'scope',
  'member',
  'serial',
  'process',
  'interface',
  'color',
  'change_index',
  'group',
] as const;

/** `interface=ge-0/0/1` … : what the event is about, from its details. */
export function aboutOf(details: EventDetails): string {
  return IDENTITY.filter((k) => details[k] !== undefined && details[k] !== null)
    .map((k) => `${k}=${String(details[k])}`)
    .join('|');
}

/** The default fact: this thing entered this state at this time (UTC ISO-8601, to the second). */
export function transitionFact(details: EventDetails, time: number): string {
  const at = `at=${new Date(Math.floor(time / 1000) * 1000).toISOString()}`;
  const about = aboutOf(details);
  return about === '' ? at : `${about}|${at}`;
}

/** The boot epoch: wall time minus uptime, rounded to the minute so every source agrees. */
export function bootEpochFact(wallMs: number, uptimeS: number): string {
  const boot = Math.round((wallMs - uptimeS * 1000) / 60_000) * 60_000;
  return `boot=${new Date(boot).toISOString()}`;
}
