import { inspect } from 'node:util';

const REDACTED = '<secret>';

/**
 * A credential read from configuration. Every way of turning it into text (String(), template
 * literals, JSON.stringify, util.inspect, console.log) yields `<secret>`; only `reveal()` gives the
 * value, and only transport code (SNMP, NETCONF, HTTP out) may call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
