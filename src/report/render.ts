import type { IncidentReport } from '../incident/incident.js';
import { jsonText } from './escape.js';
import { buildReportModel, type ReportModel, type ReportOptions } from './model.js';
import { reportJson } from './render-json.js';
import { renderMarkdownModel } from './render-md.js';
import { renderWikiModel } from './render-wiki.js';

/**
 * One entry point for the API (`GET /api/incidents/{id}/report.{md,wiki,json}`) and the CLI
 * (`netwatch incidents show ID --format md|wiki|json`): the formats, their content types, and a
 * pure `renderReport`.
 */

export const REPORT_FORMATS = ['md', 'wiki', 'json'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

const WRITERS = {
  md: { type: 'text/markdown; charset=utf-8', write: renderMarkdownModel },
  // Wikitext has no registered media type: plain text, so a browser shows it to be copied.
  wiki: { type: 'text/plain; charset=utf-8', write: renderWikiModel },
  json: {
    type: 'application/json; charset=utf-8',
    write: (model: ReportModel) => jsonText(reportJson(model)),
  },
} satisfies Record<ReportFormat, { readonly type: string; readonly write: (model: ReportModel) => string }>;

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** The report in `format`: its body and content type. */
export function renderReport(
  format: ReportFormat,
  report: IncidentReport,
  options: ReportOptions = {},
): { readonly type: string; readonly body: string } {
  const { type, write } = WRITERS[format];
  return { type, body: write(buildReportModel(report, options)) };
}
