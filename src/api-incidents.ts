import type { IncomingMessage } from 'node:http';
import { authorized } from './api-auth.js';
import { parseDuration } from './config/duration.js';
import type { Config } from './config/types.js';
import { type HttpResponse, json, text } from './http/server.js';
import type { CorrelatorInput } from './incident/correlator.js';
import type { Incident } from './incident/incident.js';
import type { Silence } from './incident/maintenance.js';
import { loadReport } from './report/load-report.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from './report/render.js';
import { buildTimeline } from './report/timeline.js';
import { type Store, StoreError } from './store/store.js';

/**
 * The incident routes (SPEC.md "HTTP"): reading incidents and their reports, and the operator
 * actions (notes, ack, resolve, silences), which need the bearer token (http.write_token).
 */

export interface IncidentActions {
  /** Applies an ack or resolve through the correlator; resolves when committed. */
  readonly operate: (input: Extract<CorrelatorInput, { kind: 'ack' | 'resolve' }>) => Promise<boolean>;
  readonly silence: (silence: Silence) => Promise<void>;
  readonly silences: () => readonly Silence[];
}

export interface IncidentApiDeps {
  readonly config: () => Config;
  readonly store: Store;
  readonly wallMs: () => number;
  readonly actions?: IncidentActions;
  readonly onStoreError: (op: 'query' | 'commit') => void;
}

const MAX_BODY = 64 * 1024;

/** The decoded path, or undefined when its percent-encoding is malformed. */
function pathOf(request: IncomingMessage): string | undefined {
  try {
    return decodeURIComponent(new URL(request.url ?? '/', 'http://netwatch').pathname);
  } catch {
    return undefined;
  }
}

/** An incident as the list shows it. */
export function incidentSummary(incident: Incident): Record<string, unknown> {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    id: incident.id,
    status: incident.status,
    scope: incident.scope,
    site: incident.site,
    devices: incident.devices,
    title: incident.title,
    severity: incident.severity,
    opened_at: iso(incident.openedAt),
    outage_begins: iso(incident.impactStart),
    outage_ends: iso(incident.impactEnd),
    resolved_at: iso(incident.resolvedAt),
    resolved_by: incident.resolvedBy ?? null,
    acked_by: incident.acked?.by ?? null,
    paged_for: incident.pageCause?.type ?? null,
    maintenance: incident.maintenance?.reason ?? null,
    flapping: incident.flapping,
  };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError('body too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  return body.trim() === '' ? {} : (JSON.parse(body) as unknown);
}

const field = (body: unknown, key: string): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
};

/** Author names and notes are people's text: bounded, control characters out (escaped on output anyway). */
const clean = (value: string, max: number) =>
  [...value]
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return code === 0x0a || code === 0x09 || (code >= 0x20 && code !== 0x7f);
    })
    .join('')
    .slice(0, max)
    .trim();

export function incidentRoutes(
  deps: IncidentApiDeps,
): Record<string, (request: IncomingMessage) => Promise<HttpResponse>> {
  const { store } = deps;
  const guarded = async (fn: () => Promise<HttpResponse>): Promise<HttpResponse> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StoreError) {
        deps.onStoreError('query');
        return json(503, { error: error.message });
      }
      throw error;
    }
  };

  const write = async (
    request: IncomingMessage,
    fn: (body: unknown, author: string) => Promise<HttpResponse>,
  ): Promise<HttpResponse> => {
    const auth = authorized(request, deps.config().http.token);
    if (auth === 'disabled')
      return json(403, { error: 'operator actions are disabled: set http.write_token in devices.yaml' });
    if (auth === 'denied') return json(401, { error: 'a valid bearer token is required' });
    let body: unknown;
    try {
      body = await readBody(request);
    } catch {
      return json(400, { error: 'the body must be a JSON object of at most 64 KiB' });
    }
    const author = clean(field(body, 'author') ?? '', 100);
    if (author === '') return json(400, { error: 'author is required' });
    return guarded(() => fn(body, author));
  };

  return {
    '/api/incidents': (request) =>
      guarded(async () => {
        const query = new URL(request.url ?? '/', 'http://netwatch').searchParams;
        const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 200) || 200));
        const device = query.get('device');
        const rows = await store.queryIncidents({
          ...(query.get('open') === '1' || query.get('open') === 'true' ? { open: true } : {}),
          ...(device !== null ? { device } : {}),
          limit,
        });
        return json(
          200,
          rows.map((r) => incidentSummary(r.incident)),
        );
      }),
    '/api/incidents/*': (request) =>
      guarded(async () => {
        const path = pathOf(request);
        if (path === undefined) return json(400, { error: 'malformed percent-encoding in the path' });
        const rest = path.slice('/api/incidents/'.length);
        const match = /^(.+?)(?:\/report\.([a-z]+))?$/.exec(rest);
        const id = match?.[1] ?? '';
        const format = match?.[2];
        if (format !== undefined && !(REPORT_FORMATS as readonly string[]).includes(format))
          return json(404, {
            error: `reports come as ${REPORT_FORMATS.map((f) => `report.${f}`).join(', ')}`,
          });
        const report = await loadReport(store, deps.config(), id);
        if (!report) return json(404, { error: `no incident ${id}` });
        if (format !== undefined) {
          const rendered = renderReport(format as ReportFormat, report, {
            pageOn: deps.config().notify.pageOn,
          });
          return { status: 200, type: rendered.type, body: rendered.body };
        }
        return json(200, {
          ...incidentSummary(report.incident),
          timeline: buildTimeline(report).map((line) => ({ ...line, at: new Date(line.at).toISOString() })),
          pages: report.deliveries.map((d) => ({
            ...d,
            createdAt: new Date(d.createdAt).toISOString(),
            ...(d.acceptedAt !== undefined ? { acceptedAt: new Date(d.acceptedAt).toISOString() } : {}),
          })),
          notes: report.notes.map((n) => ({ ...n, at: new Date(n.at).toISOString() })),
        });
      }),
    'POST /api/incidents/*': (request) => {
      const path = pathOf(request);
      if (path === undefined)
        return Promise.resolve(json(400, { error: 'malformed percent-encoding in the path' }));
      const match = /^\/api\/incidents\/(.+)\/(notes|ack|resolve)$/.exec(path);
      if (!match)
        return Promise.resolve(json(404, { error: 'POST to /api/incidents/{id}/notes, /ack or /resolve' }));
      const id = match[1] as string;
      const action = match[2] as 'notes' | 'ack' | 'resolve';
      return write(request, async (body, author) => {
        const found = await store.getIncident(id);
        if (!found) return json(404, { error: `no incident ${id}` });
        const now = deps.wallMs();
        if (action === 'notes') {
          const note = clean(field(body, 'text') ?? '', 4000);
          if (note === '') return json(400, { error: 'text is required' });
          await store.addNote({ incident: id, at: now, author, text: note });
          return json(201, { incident: id, author, at: new Date(now).toISOString() });
        }
        if (!deps.actions) return json(503, { error: 'operator actions need the running daemon' });
        if (found.incident.status !== 'open') return json(409, { error: `${id} is already resolved` });
        const committed = await deps.actions.operate({ kind: action, incident: id, author, now });
        return json(committed ? 200 : 202, { incident: id, action, author, committed });
      });
    },
    '/api/silences': () => Promise.resolve(json(200, deps.actions?.silences() ?? [])),
    'POST /api/silences': (request) =>
      write(request, async (body, author) => {
        if (!deps.actions) return json(503, { error: 'silences need the running daemon' });
        const config = deps.config();
        const target = field(body, 'target') ?? '';
        const forMs = parseDuration(field(body, 'for') ?? '');
        const reason = clean(field(body, 'reason') ?? '', 500);
        const isDevice = config.devices.some((d) => d.name === target);
        const isSite = config.devices.some((d) => d.site === target);
        if (!isDevice && !isSite) return json(404, { error: `no device or site named "${target}"` });
        if (forMs === undefined || forMs <= 0 || forMs > 30 * 86_400_000)
          return json(400, { error: 'for takes a duration up to 30d, such as 2h' });
        if (reason === '') return json(400, { error: 'reason is required' });
        const now = deps.wallMs();
        const silence: Silence = {
          devices: isDevice ? [target] : [],
          sites: isSite && !isDevice ? [target] : [],
          from: now,
          until: now + forMs,
          reason,
          author,
        };
        await deps.actions.silence(silence);
        return json(201, {
          ...silence,
          from: new Date(now).toISOString(),
          until: new Date(silence.until).toISOString(),
        });
      }),
  };
}

export { text };
