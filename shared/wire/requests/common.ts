/**
 * Request bodies on the wire (issue K: one set of API types). shared/wire/requests/<route file>.ts holds the zod
 * schemas the server validates each JSON body with (server/http/routes/*.ts, server/wallviews/routes.ts) and their
 * input types (`z.input<typeof S>`), which the console's data functions (web/src/data/*.ts) take. A field renamed
 * or retyped here is a compile error on both sides, and GET /api/openapi.json is generated from the same schemas
 * (server/http/openapi.ts).
 *
 * Why the schemas live here but the console imports only their types: the console never validates a body itself
 * (the server's 400 names the field and the console shows it), so it needs the shape, not the parser. `import type`
 * is erased by vite, so zod stays out of the web bundle (about 416 kB / 116 kB gzip, as before); one value import
 * of a schema made it 497.6 kB / 139.8 kB gzip (+81 kB, +24 kB gzip: zod's classic API does not tree-shake) for a
 * check the server makes anyway. eslint.config.js refuses value imports of shared/wire/requests in web/src.
 *
 * Rules (unlike the other shared/wire files, which import nothing): a requests file imports only `zod`, this file
 * and constants of the other shared/wire files (with the .ts extension; web/tsconfig.json allows it); no Node or DOM
 * API (URL is in both). Messages stay English: error-fields.ts turns the issues into codes the console translates.
 */
import { z } from 'zod';
import { CAMERA_ID_RE } from '../cameras.ts';

/** `A` and `B` are the same type (not merely assignable): for compile-time checks `const _: Equal<A, B> = true`. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

export const cameraId = z.string().regex(CAMERA_ID_RE, 'lowercase letters, digits, - and _, at most 63');

/** An optional note on a step (alarms, dispatches, equipment check). */
export const note = z.string().trim().max(2000).optional();

/** A time as the evidence routes take it: epoch ms, or an ISO string (server/evidence/range.ts requireTime). */
export const time = z.union([z.string(), z.number()]);
