/**
 * The logging seam: one logfmt line per record on stderr. Values are quoted and escaped, so a
 * device's text (sysDescr, syslog) cannot forge log lines. Detectors never log.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function quote(value: string): string {
  return /^[A-Za-z0-9_.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
}

export function formatLogLine(time: Date, level: string, msg: string, fields: LogFields = {}): string {
  let line = `ts=${time.toISOString()} level=${level} msg=${quote(msg)}`;
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) line += ` ${key}=${quote(String(value))}`;
  return line;
}

export function createLogger(
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  now = () => new Date(),
): Logger {
  const at = (level: string) => (msg: string, fields?: LogFields) =>
    write(formatLogLine(now(), level, msg, fields));
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
