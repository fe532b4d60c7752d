import type { IncidentReport } from '../incident/incident.js';
import { documentText, type Markup, md, mdLink } from './escape.js';
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
 * The report as GitHub-flavoured Markdown, in the shape of Wikimedia's incident report template.
 * Every line is built with the `md` template (escape.ts): values are escaped, only this file's
 * literal text is markup.
 */

type Line = Markup<'md'>;

/** A kind's remark after its label ("(lead-up)"); other kinds need none. */
const KIND_REMARK: Partial<Record<TimelineKind, string>> = { lead_up: 'lead-up' };

function timelineLine(line: TimelineLine, time: (ms: number) => string): Line {
  const remark = KIND_REMARK[line.kind];
  const note = remark === undefined ? md`` : md` (${remark})`;
  const source = line.source === undefined ? md`` : md` (via ${line.source})`;
  return md`- ${time(line.at)} **${line.label}**${note} ${line.text}${source}`;
}

function bullets(items: readonly string[], todo?: string): Line[] {
  return [...items.map((i) => md`- ${i}`), ...(todo === undefined ? [] : [md`- TODO: ${todo}`])];
}

function section(title: string, body: readonly Line[]): Line[] {
  return [md``, md`## ${title}`, md``, ...body];
}

function subsection(title: string, body: readonly Line[]): Line[] {
  return [md``, md`### ${title}`, md``, ...body];
}

export function renderMarkdownModel(model: ReportModel): string {
  const { incident } = model.report;
  const time = timeFormat(model);
  const c = model.conclusions;
  const lines: Line[] = [
    md`# Incident ${incident.id}`,
    md``,
    md`| Field | Value |`,
    md`| --- | --- |`,
    ...metadataRows(model).map((r) => md`| ${r.field} | ${r.value} |`),
    ...section('Summary', [md`${model.summary.text}`]),
    ...section(
      model.day === undefined ? 'Timeline (all times UTC)' : `Timeline (${model.day}, all times UTC)`,
      model.timeline.map((l) => timelineLine(l, time)),
    ),
    ...section('Detection', [
      md`Alerts that fired:`,
      md``,
      ...model.detection.alerts.map((a) => md`- ${time(a.at)} ${alertText(a)}`),
      md``,
      ...bullets(detectionLines(model), 'when did a person first look at it, and how did they learn of it?'),
    ]),
    ...section('Conclusions', [
      ...subsection('What went well?', bullets(c.wentWell, 'what else went well, from the responders')).slice(
        1,
      ),
      ...subsection('What went poorly?', bullets(c.wentPoorly, 'what else went poorly, from the responders')),
      ...subsection('Where did we get lucky?', bullets(c.lucky, 'where else did we get lucky?')),
    ]),
    ...section('Links', [
      ...model.links.map((l) => md`- ${mdLink(l.text, l.url)}`),
      md`- TODO: link the dashboards (Grafana) for these devices`,
      md`- TODO: link the task`,
    ]),
    ...section(
      'Actionables',
      bullets(model.actionables, 'create a task for each actionable and link it here'),
    ),
    ...section(
      'Scorecard',
      (['People', 'Process', 'Tooling'] as const).flatMap((s, i) => {
        const body = bullets(
          model.scorecard.filter((q) => q.section === s).map((q) => `${q.question} ${answerText(q)}`),
        );
        const sub = subsection(s, body);
        return i === 0 ? sub.slice(1) : sub;
      }),
    ),
  ];
  return documentText(lines);
}

/** The report of an incident as Markdown. */
export function renderMarkdown(report: IncidentReport, options: ReportOptions = {}): string {
  return renderMarkdownModel(buildReportModel(report, options));
}
