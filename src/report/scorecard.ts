import type { Delivery, IncidentReport, ReceiverInfo } from '../incident/incident.js';
import { parseWorkingHours, withinWorkingHours } from '../incident/maintenance.js';
import { describeLocal } from './hours.js';
import type { ModelBase } from './model.js';
import { listText } from './summary.js';
import { formatLatency } from './units.js';

/**
 * The Scorecard: Wikimedia's incident engagement questions, in their sections. netwatch answers
 * the ones its data can answer (and says what the answer rests on); the others stay questions
 * with a TODO for the people who were there.
 */

export type Answer = 'yes' | 'no' | 'unknown' | 'todo';

export interface Question {
  readonly section: 'People' | 'Process' | 'Tooling';
  readonly question: string;
  readonly answer: Answer;
  /** What the answer rests on (absent for TODO questions). */
  readonly detail?: string;
}

type Answered = Pick<Question, 'answer'> & { readonly detail?: string };

const todo: Answered = { answer: 'todo' };

/** The first trigger to each receiver: when the page reached it (or became due, if never accepted). */
function firstTriggers(report: IncidentReport): Delivery[] {
  const seen = new Set<string>();
  return report.deliveries.filter((d) => {
    if (d.action !== 'trigger' || seen.has(d.receiver)) return false;
    seen.add(d.receiver);
    return true;
  });
}

function receiverInfo(report: IncidentReport, name: string): ReceiverInfo {
  return report.receivers.find((r) => r.name === name) ?? { name };
}

function notified(model: ModelBase): Answered {
  const { paged, report, detection } = model;
  if (paged.services.length > 0 && detection.paging)
    return {
      answer: 'yes',
      detail: `${listText([...paged.services])} accepted the page, the first ${formatLatency(detection.paging.ms)} after impact`,
    };
  if (report.incident.maintenance && report.deliveries.length === 0)
    return { answer: 'no', detail: 'inside a maintenance window: nothing pages' };
  return { answer: 'no', detail: paged.text };
}

function fewerThanFive(model: ModelBase): Answered {
  const n = model.paged.services.length;
  return {
    answer: n < 5 ? 'yes' : 'no',
    detail: `${n === 1 ? '1 service' : `${n} services`} paged${n === 0 ? '' : ` (${model.paged.services.join(', ')})`}; netwatch knows receivers, not people, so this counts services`,
  };
}

function routed(model: ModelBase): Answered {
  const triggers = firstTriggers(model.report);
  if (triggers.length === 0) return { answer: 'unknown', detail: 'no page was sent' };
  const infos = triggers.map((t) => receiverInfo(model.report, t.receiver));
  const routes = [...new Set(infos.flatMap((r) => r.route ?? []))];
  const defaults = infos.filter((r) => r.route === undefined).map((r) => r.name);
  if (routes.length === 0) return { answer: 'unknown', detail: 'default receivers: no route matched' };
  const named = routes.map(
    (route) =>
      `route ${route} (${infos
        .filter((r) => r.route === route)
        .map((r) => r.name)
        .join(', ')})`,
  );
  const rest = defaults.length === 0 ? '' : `; default receivers for ${defaults.join(', ')}`;
  return { answer: 'yes', detail: `${listText(named)}${rest}` };
}

function online(model: ModelBase): Answered {
  const checks = firstTriggers(model.report).flatMap((t): { within: boolean | undefined; text: string }[] => {
    const info = receiverInfo(model.report, t.receiver);
    if (info.hours === undefined) return [];
    const parsed = parseWorkingHours(info.hours);
    const at = t.acceptedAt ?? t.createdAt;
    if (!parsed.ok)
      return [{ within: undefined, text: `${t.receiver}: working hours "${info.hours}" not understood` }];
    const within = withinWorkingHours(parsed.hours, at);
    return [
      {
        within,
        text: `${t.receiver} paged ${describeLocal(at, parsed.hours.tz)}, ${within ? 'within' : 'outside'} ${info.hours}`,
      },
    ];
  });
  if (checks.length === 0) return { answer: 'unknown', detail: 'no route declares working hours' };
  const detail = checks.map((c) => c.text).join('; ');
  if (checks.some((c) => c.within === false)) return { answer: 'no', detail };
  return { answer: checks.every((c) => c.within === true) ? 'yes' : 'unknown', detail };
}

function repeat(model: ModelBase): Answered {
  const { incident, prior } = model.report;
  const which = incident.devices.length === 1 ? 'this device' : 'these devices';
  if (prior.length === 0)
    return { answer: 'yes', detail: `no incident of ${which} with these event types in the last 90 days` };
  const earlier = [...prior].sort((a, b) => b.openedAt - a.openedAt);
  const names = earlier.slice(0, 3).map((p) => p.id);
  const more = earlier.length > 3 ? ` and ${earlier.length - 3} more` : '';
  const same = incident.devices.length === 1 ? 'same device' : 'same devices';
  return { answer: 'no', detail: `like ${names.join(', ')}${more} (${same}, same event types)` };
}

/** Wikimedia's questions in order; `answer` is what netwatch can say, else TODO. */
const QUESTIONS: readonly (Pick<Question, 'section' | 'question'> & {
  readonly answer: (m: ModelBase) => Answered;
})[] = [
  {
    section: 'People',
    question:
      'Were the people responding to this incident sufficiently different than the previous five incidents?',
    answer: () => todo,
  },
  {
    section: 'People',
    question: 'Were the people who responded prepared enough to respond effectively?',
    answer: () => todo,
  },
  { section: 'People', question: 'Were fewer than five people paged?', answer: fewerThanFive },
  { section: 'People', question: 'Were pages routed to the correct sub-team(s)?', answer: routed },
  { section: 'People', question: 'Were pages routed to online engineers?', answer: online },
  {
    section: 'Process',
    question: 'Was the incident status section kept up to date during the incident?',
    answer: () => todo,
  },
  { section: 'Process', question: 'Was a public status page entry created?', answer: () => todo },
  { section: 'Process', question: 'Is there a task for the incident?', answer: () => todo },
  { section: 'Process', question: 'Are the documented action items assigned?', answer: () => todo },
  {
    section: 'Process',
    question: 'Is this incident sufficiently different from earlier incidents?',
    answer: repeat,
  },
  {
    section: 'Tooling',
    question:
      'To the best of your knowledge was the open task queue free of any tasks that would have prevented this incident?',
    answer: () => todo,
  },
  {
    section: 'Tooling',
    question:
      'Were the people responding able to communicate effectively during the incident with the existing tooling?',
    answer: () => todo,
  },
  {
    section: 'Tooling',
    question: 'Did existing monitoring notify the initial responders?',
    answer: notified,
  },
  {
    section: 'Tooling',
    question: 'Were the engineering tools that were to be used during the incident available and in service?',
    answer: () => todo,
  },
  {
    section: 'Tooling',
    question: 'Were the steps taken to mitigate guided by an existing runbook?',
    answer: () => todo,
  },
];

export function scorecard(model: ModelBase): Question[] {
  return QUESTIONS.map(({ section, question, answer }) => ({ section, question, ...answer(model) }));
}

/** "yes — …", "unknown — …", "TODO": how md and wiki write an answer after its question. */
export function answerText(q: Question): string {
  if (q.answer === 'todo') return 'TODO';
  return q.detail === undefined ? q.answer : `${q.answer} — ${q.detail}`;
}
