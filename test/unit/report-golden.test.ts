import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, renderReport } from '../../src/report/render.js';
import { eqsinReport } from './report-fixture.js';

/**
 * Golden files of the eqsin-2022 report in each format. A change to a report shows as a diff of
 * these files in review; regenerate them on purpose with `UPDATE_GOLDEN=1 npx vitest run
 * test/unit/report-golden.test.ts` and read the diff.
 */

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const golden = (ext: string) =>
  fileURLToPath(new URL(`../fixtures/reports/eqsin-2022.${ext}`, import.meta.url));

describe('eqsin-2022 report golden files', () => {
  for (const format of REPORT_FORMATS) {
    it(`${format} matches test/fixtures/reports/eqsin-2022.${format}`, () => {
      const { body } = renderReport(format, eqsinReport());
      const path = golden(format);
      if (UPDATE || !existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
        if (!UPDATE) throw new Error(`${path} did not exist: written, check it and run again`);
      }
      expect(body).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('renders the same report twice: no clock, no randomness', () => {
    for (const format of REPORT_FORMATS)
      expect(renderReport(format, eqsinReport()).body).toBe(renderReport(format, eqsinReport()).body);
  });

  it('md: the Scorecard says monitoring notified the responders, the metadata says who was paged', () => {
    const { body, type } = renderReport('md', eqsinReport());
    expect(type).toBe('text/markdown; charset=utf-8');
    expect(body).toContain('Did existing monitoring notify the initial responders? yes');
    expect(body).toContain(
      'netwatch knows receivers, not people: 2 services paged (eqsin/pagerduty, eqsin/alertmanager)',
    );
    expect(body).toContain(
      'Is this incident sufficiently different from earlier incidents? no — like 2022-04-18-eqsin-asw1-eqsin (same device, same event types)',
    );
    expect(body).toMatch(/^## Timeline \(2022-04-19, all times UTC\)$/m);
    expect(body).toMatch(/^- 04:49:20 \*\*OUTAGE BEGINS\*\*/m);
  });

  it('wiki renders as MediaWiki: headings, one metadata table, bullet timeline', () => {
    const { body } = renderReport('wiki', eqsinReport());
    expect(body).toContain('==Summary==');
    expect(body).toContain('{| class="wikitable"');
    expect(body).toContain('* 04:5');
    expect(body).toContain("* 04:49:20 '''OUTAGE BEGINS'''");
    expect(body).toContain('Did existing monitoring notify the initial responders? yes');
    expect(body).toContain('[https://netwatch.example.net/incidents/2022-04-19-eqsin-asw1-eqsin Incident');
  });

  it('json is the documented, versioned object with UTC times', () => {
    const { body, type } = renderReport('json', eqsinReport());
    expect(type).toBe('application/json; charset=utf-8');
    const doc = JSON.parse(body) as Record<string, unknown>;
    expect(doc.format).toBe('netwatch-incident-report/1');
    expect(doc.start).toBe('2022-04-19T04:49:20.000Z');
    expect(doc.end).toBe('2022-04-19T04:54:32.000Z');
    expect(doc.durationSeconds).toBe(312);
    expect(doc.detection).toMatchObject({ detectionLatencySeconds: 0.6, pagingLatencySeconds: 0.9 });
    const scorecard = doc.scorecard as { question: string; answer: string | null }[];
    expect(
      scorecard.find((q) => q.question === 'Did existing monitoring notify the initial responders?')?.answer,
    ).toBe('yes');
  });
});
