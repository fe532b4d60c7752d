import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Delivery, Incident, PageAction } from '../incident/incident.js';
import type { PageMessage } from '../page/pager.js';
import type { Schema } from './schema.js';
import type { IncidentWrites, OutboxEntry, StoredIncident } from './store.js';

/**
 * Incidents and the outbox in portable SQL (the KyselyStore's part for issue 9). Writes run
 * inside the caller's transaction, so the events, the incidents they changed and the pages they
 * made due commit together.
 */

type Db = Kysely<Schema> | Transaction<Schema>;

export async function writeIncidents(tx: Db, writes: IncidentWrites, now: number): Promise<number> {
  for (const { incident, state } of writes.incidents) {
    const values = {
      id: incident.id,
      site: incident.site,
      devices: JSON.stringify(incident.devices),
      status: incident.status,
      opened_at: incident.openedAt,
      resolved_at: incident.resolvedAt ?? null,
      updated_at: now,
      doc: JSON.stringify(incident),
      state,
    };
    await tx
      .insertInto('incidents')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          site: values.site,
          devices: values.devices,
          status: values.status,
          resolved_at: values.resolved_at,
          updated_at: values.updated_at,
          doc: values.doc,
          state: values.state,
        }),
      )
      .execute();
  }
  let written = 0;
  for (const draft of writes.outbox) {
    // A trigger goes to the receiver named; everything after it to each receiver that has the
    // trigger, so a route changed by a reload never strands an open alert.
    const receivers =
      draft.receiver !== '*'
        ? [draft.receiver]
        : (
            await tx
              .selectFrom('outbox')
              .select('receiver')
              .where('incident', '=', draft.incident)
              .where('action', '=', 'trigger')
              .execute()
          ).map((r) => r.receiver);
    for (const receiver of receivers) {
      let seq = 0;
      if (draft.action === 'update') {
        const last = await tx
          .selectFrom('outbox')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('incident', '=', draft.incident)
          .where('receiver', '=', receiver)
          .where('action', '=', 'update')
          .executeTakeFirst();
        seq = Number(last?.seq ?? 0) + 1;
      }
      const inserted = await tx
        .insertInto('outbox')
        .values({
          incident: draft.incident,
          receiver,
          action: draft.action,
          seq,
          created_at: draft.createdAt,
          next_at: draft.createdAt,
          attempts: 0,
          result: 'pending',
          accepted_at: null,
          reason: null,
          degraded: 0,
          message: JSON.stringify(draft.message),
          lease_until: null,
        })
        // Exactly one trigger and one resolve per incident and receiver, whoever writes it.
        .onConflict((oc) => oc.columns(['incident', 'receiver', 'action', 'seq']).doNothing())
        .executeTakeFirst();
      written += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    }
  }
  return written;
}

export function toStoredIncident(row: Selectable<Schema['incidents']>): StoredIncident {
  return { incident: JSON.parse(row.doc) as Incident, state: row.state };
}

export function toOutboxEntry(row: Selectable<Schema['outbox']>): OutboxEntry {
  const seq = Number(row.seq);
  const action = row.action as OutboxEntry['action'];
  const message = {
    ...(JSON.parse(row.message) as Omit<PageMessage, 'deliveryId'>),
    action,
    deliveryId: `${row.incident}/${row.receiver}/${action}${seq > 0 ? `-${seq}` : ''}`,
  };
  return {
    id: Number(row.n),
    incident: row.incident,
    receiver: row.receiver,
    action,
    seq,
    createdAt: Number(row.created_at),
    nextAt: Number(row.next_at),
    attempts: Number(row.attempts),
    message,
  };
}

export function toDelivery(row: Selectable<Schema['outbox']>): Delivery {
  const result = row.result === 'accepted' || row.result === 'failed' ? row.result : 'pending';
  return {
    incident: row.incident,
    receiver: row.receiver,
    action: row.action as PageAction,
    createdAt: Number(row.created_at),
    ...(row.accepted_at !== null ? { acceptedAt: Number(row.accepted_at) } : {}),
    result,
    attempts: Number(row.attempts),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(Number(row.degraded) === 1 ? { degraded: true } : {}),
  };
}
