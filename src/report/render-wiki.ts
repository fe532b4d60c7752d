import type { IncidentReport } from '../incident/incident.js';
import { documentText, type Markup, wiki, wikiLink } from './escape.js';
import {
  alertText,
  buildReportModel,
  detectionLines,
  metadataRows,
  type ReportModel,
  type ReportOptions,
  timeFormat,
} from './model.js';
import { answerText } from './scorecard.js';
import type { TimelineKind, TimelineLine } from './timeline.js';

/**
 * The report as MediaWiki wikitext, in the shape of Wikimedia's incident report template: the
 * metadata as one `{| class="wikitable"` table, `==Section==` headings, the timeline as `*`
 * bullets. Every line is built with the `wiki` template (escape.ts): values become character
 * references where they could be markup, so device text can neither end the table nor open a
 * link, template or tag.
 */

type Line = Markup<'wiki'>;

const KIND_REMARK: Partial<Record<TimelineKind, string>> = { lead_up: 'lead-up' };

function timelineLine(line: TimelineLine, time: (ms: number) => string): Line {
  const remark = KIND_REMARK[line.kind];
  const note = remark === undefined ? wiki`` : wiki` (${remark})`;
  const source = line.source === undefined ? wiki`` : wiki` (via ${line.source})`;
  return wiki`* ${time(line.at)} '''${line.label}'''${note} ${line.text}${source}`;
}

function bullets(items: readonly string[], todo?: string): Line[] {
  return [...items.map((i) => wiki`* ${i}`), ...(todo === undefined ? [] : [wiki`* TODO: ${todo}`])];
}

function section(title: string, body: readonly Line[]): Line[] {
  return [wiki``, wiki`==${title}==`, ...body];
}

function subsection(title: string, body: readonly Line[]): Line[] {
  return [wiki`===${title}===`, ...body];
}

function metadata(model: ReportModel): Line[] {
  const rows = metadataRows(model).flatMap((r, i) => [
    ...(i === 0 ? [] : [wiki`|-`]),
    wiki`! ${r.field}`,
    wiki`| ${r.value}`,
  ]);
  return [wiki`{| class="wikitable"`, ...rows, wiki`|}`];
}

export function renderWikiModel(model: ReportModel): string {
  const time = timeFormat(model);
  const c = model.conclusions;
  const lines: Line[] = [
    ...metadata(model),
    ...section('Summary', [wiki`${model.summary.text}`]),
    ...section(
      model.day === undefined ? 'Timeline (all times UTC)' : `Timeline (${model.day}, all times UTC)`,
      model.timeline.map((l) => timelineLine(l, time)),
    ),
    ...section('Detection', [
      wiki`Alerts that fired:`,
      ...model.detection.alerts.map((a) => wiki`* ${time(a.at)} ${alertText(a)}`),
      wiki``,
      ...bullets(detectionLines(model), 'when did a person first look at it, and how did they learn of it?'),
    ]),
    ...section('Conclusions', [
      ...subsection('What went well?', bullets(c.wentWell, 'what else went well, from the responders')),
      ...subsection('What went poorly?', bullets(c.wentPoorly, 'what else went poorly, from the responders')),
      ...subsection('Where did we get lucky?', bullets(c.lucky, 'where else did we get lucky?')),
    ]),
    ...section('Links', [
      ...model.links.map((l) => wiki`* ${wikiLink(l.text, l.url)}`),
      wiki`* TODO: link the dashboards (Grafana) for these devices`,
      wiki`* TODO: link the task`,
    ]),
    ...section(
      'Actionables',
      bullets(model.actionables, 'create a task for each actionable and link it here'),
    ),
    ...section(
      'Scorecard',
      (['People', 'Process', 'Tooling'] as const).flatMap((s) =>
        subsection(
          s,
          bullets(
            model.scorecard.filter((q) => q.section === s).map((q) => `${q.question} ${answerText(q)}`),
          ),
        ),
      ),
    ),
  ];
  return documentText(lines);
}

/** The report of an incident as MediaWiki wikitext. */
export function renderWiki(report: IncidentReport, options: ReportOptions = {}): string {
  return renderWikiModel(buildReportModel(report, options));
}
