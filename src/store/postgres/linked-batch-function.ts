/**
 * The server-side function of migration 13: a whole batch of writes in one
 * call that also links the audit events onto the chain inside the database.
 *
 * @remarks This text is part of a migration and is never edited once
 * released: a change ships as a new migration.
 *
 * The batch is one JSON document:
 * - `ops`: claims and completions, already in lock order (key, then op
 *   order), each applied exactly as its single-call statement in
 *   `postgres-idempotency.ts`; `results` answers them in that order.
 * - `events`: the audit rows in chain order, each with its indexed columns
 *   and its canonical body split around its `seq` (`pre`, `post`); an event
 *   that a claim carries names that claim's position in `ops` (`claim`) and
 *   is written only if the claim took its key fresh.
 * - `from`: the head the gateway linked the events onto (each event then
 *   carries its `seq`, `prev` and `hash`), or null when it did not guess.
 *
 * The function locks the one-row chain head after the keys (the order every
 * writer takes them in, so no two batches deadlock). When the head is still
 * `from` and every event the gateway linked is to be written, the rows go in
 * as linked, in one statement. Otherwise the function links them itself:
 * each event gets the next `seq`, its body is `pre || seq || post`, and
 * `hash = sha256(prev_hash || body)`, exactly as the gateway computes them.
 * So a batch never fails on a head another replica moved, and is never sent
 * twice: replicas writing side by side wait for each other's head lock for
 * the length of one statement, not of a round trip. `events` answers `true`
 * when the gateway's links stand, else each event's `[seq, prev_hash, hash]`,
 * or null when it was not written.
 *
 * @module
 */

import { keyedOpsLoop } from './write-batch-function.js'

/** The name of the function (migration 13). */
export const LINKED_BATCH_FUNCTION = 'airlock_write_batch_linked'

/** `CREATE FUNCTION` for the quoted schema `s`. */
export function linkedBatchFunction(s: string): string {
  return `CREATE FUNCTION ${s}.${LINKED_BATCH_FUNCTION}(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  op jsonb;
  ev jsonb;
  -- Arrays grow in place (a jsonb value would be copied on every append).
  results jsonb[] := '{}';
  fresh boolean[] := '{}';
  linked jsonb[] := '{}';
  v_recovered integer;
  v_row record;
  v_changed integer;
  v_seq bigint;
  v_prev text;
  v_hash text;
  v_as_linked boolean := false;
  -- The links the database chose, by event position (null: not written).
  r_seq bigint[] := '{}';
  r_prev text[] := '{}';
  r_hash text[] := '{}';
BEGIN
${keyedOpsLoop(s, LINKED_BATCH_FUNCTION, true)}  IF jsonb_array_length(coalesce(batch -> 'events', '[]'::jsonb)) > 0 THEN
    SELECT seq, hash INTO v_seq, v_prev FROM ${s}.airlock_audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the audit chain head row is missing';
    END IF;
    v_as_linked := batch #>> '{from,seq}' IS NOT NULL
      AND v_seq = (batch #>> '{from,seq}')::bigint AND v_prev = batch #>> '{from,hash}'
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(batch -> 'events') AS e(value)
        WHERE e.value ? 'claim' AND NOT fresh[(e.value ->> 'claim')::integer + 1]);
    IF v_as_linked THEN
      v_seq := (batch #>> '{events,-1,seq}')::bigint;
      v_prev := batch #>> '{events,-1,hash}';
    ELSE
      FOR ev IN SELECT e.value FROM jsonb_array_elements(batch -> 'events')
          WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
        IF ev ? 'claim' AND NOT fresh[(ev ->> 'claim')::integer + 1] THEN
          r_seq := array_append(r_seq, NULL::bigint);
          r_prev := array_append(r_prev, NULL::text);
          r_hash := array_append(r_hash, NULL::text);
          linked := array_append(linked, 'null'::jsonb);
          CONTINUE;
        END IF;
        v_seq := v_seq + 1;
        v_hash := encode(sha256(convert_to(v_prev || (ev ->> 'pre') || v_seq::text || (ev ->> 'post'), 'UTF8')), 'hex');
        r_seq := array_append(r_seq, v_seq);
        r_prev := array_append(r_prev, v_prev);
        r_hash := array_append(r_hash, v_hash);
        linked := array_append(linked, jsonb_build_array(v_seq, v_prev, v_hash));
        v_prev := v_hash;
      END LOOP;
    END IF;
    -- One insert for both: the links as sent, or as the loop chose them.
    INSERT INTO ${s}.airlock_audit_events
      (seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash)
    SELECT l.seq, e.id, e.ts, e.tenant_id, e.request_id, e.status, e.action, e.actor, e.decision, e.approval_id,
      e.pre || l.seq::text || e.post, l.prev, l.hash
    FROM ROWS FROM (jsonb_to_recordset(batch -> 'events') AS (seq bigint, id text, ts text, tenant_id text,
        request_id text, status text, action text, actor text, decision text, approval_id text, pre text,
        post text, prev text, hash text))
      WITH ORDINALITY AS e(seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id,
        pre, post, prev, hash, n)
    CROSS JOIN LATERAL (SELECT
        CASE WHEN v_as_linked THEN e.seq ELSE r_seq[e.n] END AS seq,
        CASE WHEN v_as_linked THEN e.prev ELSE r_prev[e.n] END AS prev,
        CASE WHEN v_as_linked THEN e.hash ELSE r_hash[e.n] END AS hash) AS l
    WHERE l.seq IS NOT NULL;
    UPDATE ${s}.airlock_audit_head SET seq = v_seq, hash = v_prev WHERE id = 1;
  END IF;
  RETURN jsonb_build_object('results', to_jsonb(results),
    'events', CASE WHEN v_as_linked THEN 'true'::jsonb ELSE to_jsonb(linked) END);
END
$fn$`
}
