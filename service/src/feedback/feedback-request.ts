/** The body of `POST /v2/models/{m}[/versions/{v}]/feedback`, validated (400s name the field, the value and what was expected). */
import { badRequest, describeValue } from '../errors.js';
import { expectObject } from '../protocol/expect.js';

/** A label for one row of an earlier prediction, named by the request's `x-request-id`. */
export interface FeedbackById {
  kind: 'by_id';
  requestId: string;
  row: number;
  truth: string;
}

/** Features sent inline with their labels (a back-fill): the model predicts them now and each row is counted. */
export interface FeedbackInline {
  kind: 'inline';
  /** The OIP request (with `inputs`), validated later against the model's signature. */
  request: Record<string, unknown>;
  truth: string[];
}

export type FeedbackRequest = FeedbackById | FeedbackInline;

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const BY_ID_FIELDS = ['request_id', 'row', 'truth'];
const INLINE_FIELDS = ['inputs', 'parameters', 'outputs', 'id', 'truth'];

/** Validates a feedback body; `labels` are the model's class labels (the values `truth` may take). */
export function parseFeedbackRequest(body: unknown, labels: readonly string[]): FeedbackRequest {
  const object = expectObject(body, 'request body', 'an object with "request_id" and "truth" (or "inputs" and "truth")');
  const byId = object.request_id !== undefined;
  if (byId === (object.inputs !== undefined)) {
    throw badRequest('request body: expected either "request_id" (the x-request-id of an earlier prediction) or "inputs" (features sent inline), not both and not neither');
  }
  const allowed = byId ? BY_ID_FIELDS : INLINE_FIELDS;
  const unknown = Object.keys(object).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw badRequest(`${unknown}: unknown field; expected only ${allowed.join(', ')}`);
  if (byId) {
    return { kind: 'by_id', requestId: requestIdOf(object.request_id), row: rowOf(object.row), truth: labelOf(object.truth, 'truth', labels) };
  }
  const truth = Array.isArray(object.truth) ? object.truth.map((t, i) => labelOf(t, `truth[${i}]`, labels)) : [labelOf(object.truth, 'truth', labels)];
  if (truth.length === 0) throw badRequest('truth: expected one label per row, got an empty array');
  return { kind: 'inline', request: object, truth };
}

function requestIdOf(value: unknown): string {
  if (typeof value !== 'string' || !REQUEST_ID.test(value)) {
    throw badRequest(`request_id: expected the x-request-id of an earlier prediction (1 to 128 of A-Z a-z 0-9 . _ : @ / + = -), got ${describeValue(value)}`);
  }
  return value;
}

function rowOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw badRequest(`row: expected the row index within the request (a whole number >= 0, default 0), got ${describeValue(value)}`);
  }
  return value;
}

function labelOf(value: unknown, field: string, labels: readonly string[]): string {
  if (typeof value !== 'string' || !labels.includes(value)) {
    throw badRequest(`${field}: expected one of the model's labels (${labels.map((l) => JSON.stringify(l)).join(', ')}), got ${describeValue(value)}`);
  }
  return value;
}
