import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../src/incident/incident.js';
import {
  escapeMarkdown,
  escapeWikitext,
  md,
  mdLink,
  plainLine,
  urlSegment,
  wiki,
  wikiLink,
} from '../../src/report/escape.js';
import { renderReport } from '../../src/report/render.js';
import { at, eqsinDeliveries, eqsinEvents, eqsinIncident, eqsinReport, event } from './report-fixture.js';

/** Everything that has ever broken a report format, in one string. */
const HOSTILE = [
  '|} [[Main Page]] {{Template|x}} <script>alert(1)</script> `code` ```',
  '## injected',
  '| a | b |',
  "\u001b[31mred\u001b[0m ~~~~ __TOC__ ---- ''bold'' & &amp; *list* _em_",
  '[link](javascript:alert(1)) ![img](x) <!-- c --> {| class=x',
  '# h1\r\n> quote\n1. item\n= heading =\n|}\n\u202eevil',
].join('\n');

function hostileReport(): IncidentReport {
  const e = eqsinEvents;
  const hostileUp = event({
    ...e.interfaceUp,
    summary: `mge-0/0/40 (${HOSTILE}) on asw1-eqsin went up`,
    details: { ...e.interfaceUp.details, alias: HOSTILE },
  });
  const hostileCrash = event({
    ...e.processCrash,
    summary: `${HOSTILE} crashed`,
    details: { process: HOSTILE, signal: HOSTILE, core: true, core_file: HOSTILE },
  });
  // A type written by a newer netwatch, as the store hands it back: shown as it is, escaped.
  const newer = event({
    time: at('04:50:00.000'),
    type: `future_${HOSTILE}`,
    severity: 'major',
    source: HOSTILE,
    summary: HOSTILE,
    details: {},
    witnesses: [{ source: HOSTILE, time: '2022-04-19T04:50:00.000Z' }],
  });
  const base = eqsinIncident();
  const incident = eqsinIncident({
    title: HOSTILE,
    entries: base.entries
      .map((entry) =>
        entry.event?.id === e.interfaceUp.id
          ? { ...entry, text: hostileUp.summary, event: hostileUp }
          : entry.event?.id === e.processCrash.id
            ? { ...entry, text: hostileCrash.summary, event: hostileCrash }
            : entry,
      )
      .concat([
        { at: newer.time, kind: 'event', text: newer.summary, event: newer },
        { at: at('04:50:10.000'), kind: 'marked', text: HOSTILE },
      ])
      .sort((a, b) => a.at - b.at),
    maintenance: { reason: HOSTILE, until: at('06:00:00.000') },
  });
  return eqsinReport({
    incident,
    deliveries: [
      ...eqsinDeliveries(),
      {
        incident: incident.id,
        receiver: 'webhook',
        action: 'trigger',
        createdAt: at('04:49:20.650'),
        result: 'failed',
        attempts: 1,
        reason: HOSTILE,
      },
    ],
    notes: [{ incident: incident.id, at: at('04:51:00.000'), author: HOSTILE, text: HOSTILE }],
    receivers: [{ name: 'eqsin/pagerduty', route: HOSTILE, hours: HOSTILE }, { name: 'eqsin/alertmanager' }],
    prior: [{ id: HOSTILE, openedAt: at('01:00:00.000'), types: [HOSTILE] }],
  });
}

/** `|` characters that are markup: not escaped by a backslash (which is not itself escaped). */
function unescapedPipes(line: string): number {
  return line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;
}

const MD_HEADINGS =
  /^(# Incident .*|## (Summary|Detection|Conclusions|Links|Actionables|Scorecard|Timeline \(.*\))|### (What went well\?|What went poorly\?|Where did we get lucky\?|People|Process|Tooling))$/;

describe('escapers', () => {
  it('plainLine: one visible line, ANSI sequences gone, controls shown', () => {
    expect(plainLine('a\r\nb\n\nc')).toBe('a b c');
    expect(plainLine('\u001b[31mred\u001b[0m')).toBe('red');
    expect(plainLine('\u001b]0;title\u0007x')).toBe('x');
    expect(plainLine('nul\u0000 del\u007f')).toBe('nul\\x00 del\\x7f');
    expect(plainLine('\u202eevil')).toBe('\\u202eevil');
    expect(plainLine('  padded \t')).toBe('padded');
  });

  it('markdown: inline markup escaped everywhere, block starts at the beginning', () => {
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(escapeMarkdown('`x` *y* [z] <b> ~s~ &amp; $m$ \\')).toBe(
      '\\`x\\` \\*y\\* \\[z\\] \\<b\\> \\~s\\~ \\&amp; \\$m\\$ \\\\',
    );
    expect(escapeMarkdown('interface_up')).toBe('interface_up');
    expect(escapeMarkdown('_em_ a_')).toBe('\\_em\\_ a\\_');
    expect(escapeMarkdown('# h')).toBe('\\# h');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('12. item')).toBe('12\\. item');
    expect(escapeMarkdown('=== ')).toBe('\\===');
    expect(escapeMarkdown('a - b # c')).toBe('a - b # c');
  });

  it('wikitext: every markup character becomes a character reference', () => {
    expect(escapeWikitext('|}')).toBe('&#124;&#125;');
    expect(escapeWikitext('[[x]] {{t}}')).toBe('&#91;&#91;x&#93;&#93; &#123;&#123;t&#125;&#125;');
    expect(escapeWikitext("''b'' ~~~ a=b <s>")).toBe(
      '&#39;&#39;b&#39;&#39; &#126;&#126;&#126; a&#61;b &#60;s&#62;',
    );
    expect(escapeWikitext('__TOC__')).toBe('&#95;_TOC&#95;_');
    expect(escapeWikitext('see http://x')).toBe('see http&#58;//x');
    expect(escapeWikitext('* a')).toBe('&#42; a');
    expect(escapeWikitext('----')).toBe('&#45;---');
    expect(escapeWikitext('&amp;')).toBe('&#38;amp;');
  });

  it('templates escape values and pass markup of their own format through', () => {
    const inner = md`**${'*x*'}**`;
    expect(md`- ${inner} ${'<b>'} ${42}`.text).toBe('- **\\*x\\*** \\<b\\> 42');
    expect(wiki`* ${wiki`'''${"'"}'''`}`.text).toBe("* '''&#39;'''");
  });

  it('links: URLs percent-encoded for their format, non-http URLs never become links', () => {
    expect(urlSegment("a b/(c)!'*")).toBe('a%20b%2F%28c%29%21%27%2A');
    expect(mdLink('a]b', 'https://x.example/p(1)|q').text).toBe('[a\\]b](https://x.example/p%281%29%7Cq)');
    expect(mdLink('x', 'javascript:alert(1)').text).toBe('x (javascript:alert(1))');
    expect(wikiLink('a]b', "https://x.example/a b'~_").text).toBe(
      '[https://x.example/a%20b%27%7E%5F a&#93;b]',
    );
    expect(wikiLink('x', 'javascript:alert(1)').text).not.toContain('[');
  });
});

describe('hostile device text breaks no format', () => {
  const report = hostileReport();

  it('md: no injected heading, list, table row, code span or HTML', () => {
    const { body } = renderReport('md', report);
    const lines = body.split('\n');
    expect(body).not.toContain('\u001b');
    expect(body).not.toMatch(/(?<!\\)<script/);
    expect(body).not.toMatch(/(?<!\\)`/);
    for (const line of lines) {
      if (line.startsWith('#')) expect(line).toMatch(MD_HEADINGS);
      // The metadata table: two cells per row, whatever the values hold.
      if (line.startsWith('|')) expect(unescapedPipes(line)).toBe(3);
      expect(line).not.toMatch(/^(>|<|=|\*|\+|~|\d+[.)] |```)/);
      if (line.startsWith('- ')) expect(unescapedPipes(line)).toBe(0);
    }
    expect(lines.filter((l) => l.startsWith('|')).length).toBe(
      renderReport('md', eqsinReport())
        .body.split('\n')
        .filter((l) => l.startsWith('|')).length,
    );
  });

  it('wiki: one table, no links, templates, tags, signatures or behaviour switches from device text', () => {
    const { body } = renderReport('wiki', report);
    const lines = body.split('\n');
    expect(lines.filter((l) => l.startsWith('{|'))).toEqual(['{| class="wikitable"']);
    expect(lines.filter((l) => l.startsWith('|}'))).toEqual(['|}']);
    for (const bad of ['[[', ']]', '{{', '}}', '<script', '<!--', '~~~', '__TOC__', "''bold", '\u001b'])
      expect(body).not.toContain(bad);
    // Inside the table: only row separators, header cells and data cells, one cell per line.
    const table = lines.slice(lines.indexOf('{| class="wikitable"') + 1, lines.indexOf('|}'));
    for (const line of table) {
      expect(line).toMatch(/^(\|-|! [^|!]*|\| [^|!]*)$/);
    }
    for (const line of lines) {
      if (line.startsWith('=')) expect(line).toMatch(/^={2,3}[A-Za-z?()0-9, -]+={2,3}$/);
      expect(line).not.toMatch(/^(----|[:;#]| )/);
    }
    // The only external links are the report's own.
    expect(body.match(/\[(?=[a-z]+:)/g)?.length).toBe(5);
  });

  it('json: parses, and every hostile string round-trips unchanged', () => {
    const doc = JSON.parse(renderReport('json', report).body) as {
      title: string;
      marks: string[];
      timeline: { kind: string; label: string; text: string; source: string | null; author: string | null }[];
      paged: { failed: { reason: string }[] };
    };
    expect(doc.title).toBe(HOSTILE);
    expect(doc.marks).toContain(HOSTILE);
    expect(doc.timeline.find((l) => l.kind === 'note')).toMatchObject({
      author: HOSTILE,
      text: `by ${HOSTILE}: ${HOSTILE}`,
    });
    expect(doc.timeline.find((l) => l.label === `future_${HOSTILE}`)).toMatchObject({
      text: HOSTILE,
      source: HOSTILE,
    });
    expect(doc.paged.failed).toEqual([{ receiver: 'webhook', reason: HOSTILE }]);
  });
});
