import { incidentSummary } from '../api-incidents.js';
import { formatDuration } from '../config/duration.js';
import type { Environment } from '../config/env.js';
import { storageDirOf } from '../config/storage.js';
import type { Incident } from '../incident/incident.js';
import { loadReport } from '../report/load-report.js';
import { isReportFormat, REPORT_FORMATS, renderReport } from '../report/render.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { printable } from '../text.js';
import { exitFor, failureText, loginName, postToDaemon } from './daemon-api.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch incidents [list] [--open] [--json]` and `netwatch incidents show ID [--format …]`
 * read the store (beside a running daemon: SQLite WAL readers never block it);
 * `netwatch incidents ack|resolve ID` and `netwatch note ID "text"` go through the daemon.
 */

const stamp = (ms: number | undefined) =>
  ms === undefined
    ? '…'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

/** id, status, scope, devices, OUTAGE BEGINS → ENDS, duration, title: device text made printable. */
function line(incident: Incident): string {
  const duration =
    incident.impactEnd !== undefined
      ? formatDuration(Math.max(0, incident.impactEnd - incident.impactStart))
      : 'ongoing';
  return [
    printable(incident.id, 120).padEnd(34),
    incident.status.padEnd(8),
    incident.scope.padEnd(6),
    printable(incident.devices.join(','), 80).padEnd(16),
    `${stamp(incident.impactStart)} → ${stamp(incident.impactEnd)}`.padEnd(43),
    duration.padEnd(9),
    printable(incident.title, 200),
  ].join(' ');
}

async function withStore<T>(
  file: string,
  env: Environment,
  out: Output,
  command: string,
  fn: (
    store: SqliteStore,
    config: Awaited<ReturnType<typeof loadConfigOrReport>> & { ok: true },
  ) => Promise<T>,
): Promise<T | number> {
  const loaded = await loadConfigOrReport(file, env, out);
  if (!loaded.ok) return loaded.code;
  const opened = await SqliteStore.open(storageDirOf(loaded.config), { existing: true });
  if (!opened.ok) {
    out.error(`netwatch ${command}: ${opened.reason}`);
    return 1;
  }
  try {
    return await fn(opened.store, loaded);
  } catch (error) {
    out.error(`netwatch ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await opened.store.close();
  }
}

/** The list shows this many, newest first (the API pages further with ?limit). */
const LIST_LIMIT = 500;

export async function runIncidentsList(
  options: { readonly file: string; readonly open: boolean; readonly json: boolean },
  env: Environment,
  out: Output,
): Promise<number> {
  const result = await withStore(options.file, env, out, 'incidents', async (store) => {
    const rows = await store.queryIncidents({
      ...(options.open ? { open: true } : {}),
      limit: LIST_LIMIT,
    });
    if (options.json)
      out.print(
        JSON.stringify(
          rows.map((r) => incidentSummary(r.incident)),
          null,
          2,
        ),
      );
    else if (rows.length === 0) out.print(options.open ? 'no open incidents' : 'no incidents');
    else for (const r of rows) out.print(line(r.incident));
    // On stderr: a JSON reader still gets a clean array, a person learns the list is cut.
    if (rows.length === LIST_LIMIT) out.error(`netwatch incidents: the newest ${LIST_LIMIT} shown`);
    return 0;
  });
  return result;
}

export async function runIncidentsShow(
  options: { readonly file: string; readonly id: string; readonly format: string },
  env: Environment,
  out: Output,
): Promise<number> {
  const { format } = options;
  if (!isReportFormat(format)) {
    out.error(
      `netwatch incidents show: --format is one of ${REPORT_FORMATS.join(', ')}, not "${printable(format, 40)}"`,
    );
    return 2;
  }
  return withStore(options.file, env, out, 'incidents show', async (store, loaded) => {
    const report = await loadReport(store, loaded.config, options.id);
    if (!report) {
      out.error(
        `netwatch incidents show: no incident ${printable(options.id, 120)} (netwatch incidents lists them)`,
      );
      return 1;
    }
    out.print(renderReport(format, report, { pageOn: loaded.config.notify.pageOn }).body.replace(/\n$/, ''));
    return 0;
  });
}

/** ack, resolve or a note: through the running daemon. */
export async function runIncidentWrite(
  options: {
    readonly file: string;
    readonly id: string;
    readonly action: 'ack' | 'resolve' | 'notes';
    readonly text?: string;
    readonly author: string | undefined;
  },
  env: Environment,
  out: Output,
): Promise<number> {
  const command = options.action === 'notes' ? 'note' : `incidents ${options.action}`;
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const author = options.author ?? loginName(env);
  const answer = await postToDaemon(
    loaded.config,
    `/api/incidents/${encodeURIComponent(options.id)}/${options.action}`,
    {
      author,
      ...(options.text !== undefined ? { text: options.text } : {}),
    },
  );
  const code = exitFor(answer);
  if (code !== 0) {
    out.error(failureText(command, answer));
    return code;
  }
  const verb = { ack: 'acknowledged', resolve: 'resolved', notes: 'note added to' }[options.action];
  // 202: the daemon queued the ack/resolve but its commit has not happened yet (store busy or
  // failing); it is applied with the next commit, so say so instead of claiming it is done.
  const queued =
    answer.reached && answer.status === 202 ? " (queued: applied with the daemon's next commit)" : '';
  out.print(`${verb} ${printable(options.id, 120)} (by ${printable(author, 100)})${queued}`);
  return 0;
}
