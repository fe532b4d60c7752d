import type { Note } from '../incident/incident.js';
import type {
  CommitResult,
  Correlate,
  EventQuery,
  IncidentQuery,
  Observation,
  OutboxMark,
  Store,
} from './store.js';

/**
 * A Store that forwards every method to `inner`: wrappers that count or inject failures (tests,
 * bench/) extend it and override what they change, and stay complete as the seam grows.
 */
export class DelegatingStore implements Store {
  constructor(protected readonly inner: Store) {}
  commit(batch: readonly Observation[], correlate?: Correlate): Promise<CommitResult> {
    return this.inner.commit(batch, correlate);
  }
  loadMemories() {
    return this.inner.loadMemories();
  }
  queryEvents(query: EventQuery) {
    return this.inner.queryEvents(query);
  }
  queryIncidents(query: IncidentQuery) {
    return this.inner.queryIncidents(query);
  }
  getIncident(id: string) {
    return this.inner.getIncident(id);
  }
  dueOutbox(now: number, limit: number) {
    return this.inner.dueOutbox(now, limit);
  }
  markOutbox(marks: readonly OutboxMark[]) {
    return this.inner.markOutbox(marks);
  }
  outboxPending() {
    return this.inner.outboxPending();
  }
  deliveries(incident: string) {
    return this.inner.deliveries(incident);
  }
  addNote(note: Note) {
    return this.inner.addNote(note);
  }
  notes(incident: string) {
    return this.inner.notes(incident);
  }
  getMeta(key: string) {
    return this.inner.getMeta(key);
  }
  setMeta(key: string, value: string) {
    return this.inner.setMeta(key, value);
  }
  deleteEventsBefore(before: number) {
    return this.inner.deleteEventsBefore(before);
  }
  close() {
    return this.inner.close();
  }
}
