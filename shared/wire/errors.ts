/**
 * The error body of every failed API request: `{error: {code, message, fields?, …}}`. `code` is stable
 * (e.g. invalid_request, forbidden, handover_pending); `message` is English for people reading the API.
 * A 400 lists its validation problems in `fields`, each a stable code with the parameters its text needs, so the
 * console renders them in the reader's language (server/http/error-fields.ts makes them).
 */
export interface FieldProblem {
  /** the field, dotted ("stops.0.cameraId"); '' for the whole body */
  path: string;
  /** required, too_short, rtsp_url, anomaly_note, password_short, … ('other': not in the table) */
  code: string;
  /** e.g. {n: 10} for too_short, {fields: "a, b"} for unknown_fields */
  params?: Record<string, string | number>;
  /** the English text it came from */
  message: string;
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: FieldProblem[];
    /** every value `message` names, e.g. {what: 'round', id: 12, owner: 'wang'} for a 403 (server/util/errors.ts) */
    params?: Record<string, string | number>;
    [k: string]: unknown;
  };
}
