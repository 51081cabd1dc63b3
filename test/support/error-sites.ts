/**
 * Issue K: every place in server/ that builds an API error, found in the source by its syntax (the TypeScript
 * parser, not a regex): `new AppError(status, code, message, headers, details)`, the helpers of
 * server/util/errors.ts (badRequest, notFound, conflict, forbidden, unauthenticated), and error bodies written
 * directly (`res.status(…).json({error: {code, message}})`). For each: its code (a literal, or a constant resolved
 * from its declaration), whether the message embeds values (a template with `${…}`), and whether it passes params.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface ErrorSite {
  /** "server/patrol/rounds.ts:128" */
  at: string;
  callee: string;
  /** null when the code is not a literal or a resolvable constant (a helper's parameter) */
  code: string | null;
  /** the message is (or contains) a template literal with substitutions */
  templated: boolean;
  /** the site passes `params` (the argument of the helper, or `params` in AppError's details / the body) */
  hasParams: boolean;
  /** the literal values of `params.what` (the kind of thing, where one code covers several) */
  whats: string[];
}

const root = join(import.meta.dirname, '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The fixed code of each helper, and the argument index of its code and its params. */
const HELPERS: Record<string, { code?: string; codeArg?: number; defaultCode?: string; paramsArg: number; messageArg: number }> = {
  badRequest: { codeArg: 1, defaultCode: 'invalid_request', paramsArg: 2, messageArg: 0 },
  conflict: { codeArg: 1, defaultCode: 'conflict', paramsArg: 2, messageArg: 0 },
  notFound: { code: 'not_found', paramsArg: 1, messageArg: 0 },
  forbidden: { code: 'forbidden', paramsArg: 1, messageArg: 0 },
  unauthenticated: { code: 'unauthenticated', paramsArg: 1, messageArg: 0 },
};

function templated(node: ts.Node | undefined): boolean {
  if (!node) return false;
  if (ts.isTemplateExpression(node)) return true;
  return ts.forEachChild(node, (c) => (templated(c) ? true : undefined)) ?? false;
}

function prop(node: ts.Expression | undefined, name: string): ts.ObjectLiteralElementLike | undefined {
  if (!node || !ts.isObjectLiteralExpression(node)) return undefined;
  return node.properties.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === name);
}

/** String literals an expression can be: 'x', c ? 'a' : 'b'. */
function literals(n: ts.Expression): string[] {
  if (ts.isStringLiteralLike(n)) return [n.text];
  if (ts.isConditionalExpression(n)) return [...literals(n.whenTrue), ...literals(n.whenFalse)];
  if (ts.isParenthesizedExpression(n)) return literals(n.expression);
  return [];
}

/** The literal `what` values of a params object literal. */
function whatsOf(params: ts.Expression | undefined): string[] {
  const w = prop(params, 'what');
  return w && ts.isPropertyAssignment(w) ? literals(w.initializer) : [];
}

const paramsIn = (details: ts.Expression | undefined): ts.Expression | undefined => {
  const p = prop(details, 'params');
  return p && ts.isPropertyAssignment(p) ? p.initializer : undefined;
};

/** `export const X = 'code'` anywhere in server/ or shared/: constants used as codes. */
function stringConstants(files: { sf: ts.SourceFile }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { sf } of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isStringLiteral(n.initializer)) out.set(n.name.text, n.initializer.text);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

function parse(file: string): { file: string; sf: ts.SourceFile } {
  return { file, sf: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true) };
}

function codeOf(consts: Map<string, string>, n: ts.Expression | undefined, dflt?: string): string | null {
  if (!n) return dflt ?? null;
  if (ts.isStringLiteralLike(n)) return n.text;
  if (ts.isIdentifier(n)) return consts.get(n.text) ?? null;
  return null;
}

/** The error sites of one parsed file (`name` is how a site is reported), and its indirect codes. */
function sitesIn(name: string, sf: ts.SourceFile, consts: Map<string, string>, sites: ErrorSite[], indirect: Set<string>): void {
  const at = (n: ts.Node) => `${name}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && n.expression.getText() === 'AppError') {
      const a = n.arguments ?? [];
      sites.push({ at: at(n), callee: 'AppError', code: codeOf(consts, a[1]), templated: templated(a[2]), hasParams: prop(a[4], 'params') !== undefined, whats: whatsOf(paramsIn(a[4])) });
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && HELPERS[n.expression.text]) {
      const h = HELPERS[n.expression.text]!;
      const a = n.arguments;
      const code = h.code ?? codeOf(consts, h.codeArg !== undefined ? a[h.codeArg] : undefined, h.defaultCode);
      sites.push({ at: at(n), callee: n.expression.text, code, templated: templated(a[h.messageArg]), hasParams: a[h.paramsArg] !== undefined, whats: whatsOf(a[h.paramsArg]) });
    } else if (ts.isObjectLiteralExpression(n)) {
      // a body written directly: {error: {code: 'x', message: …, params?}}
      for (const p of n.properties) {
        if (!ts.isPropertyAssignment(p) || p.name.getText() !== 'error' || !ts.isObjectLiteralExpression(p.initializer)) continue;
        const props = new Map<string, ts.Expression | undefined>();
        for (const q of p.initializer.properties) {
          if (ts.isPropertyAssignment(q)) props.set(q.name.getText(), q.initializer);
          else if (ts.isShorthandPropertyAssignment(q)) props.set(q.name.getText(), undefined);
        }
        const code = props.get('code');
        if (!code || !props.has('message')) continue;
        if (!ts.isStringLiteralLike(code)) continue; // the error handler's own `code: err.code`
        sites.push({ at: at(p), callee: 'body', code: code.text, templated: templated(props.get('message')), hasParams: props.has('params'), whats: whatsOf(props.get('params')) });
      }
    } else if (ts.isArrayLiteralExpression(n) && n.elements.length === 2) {
      const [s, c] = n.elements;
      if (s && c && ts.isNumericLiteral(s) && Number(s.text) >= 400 && Number(s.text) < 600 && ts.isStringLiteralLike(c)) indirect.add(c.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/** The error sites of a piece of source text (the scanner's own test). */
export function scanSource(name: string, text: string): ErrorSite[] {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const sites: ErrorSite[] = [];
  sitesIn(name, sf, stringConstants([{ sf }]), sites, new Set());
  return sites;
}

let cache: { sites: ErrorSite[]; indirectCodes: string[] } | undefined;

/** Every error site in server/, and the codes given indirectly (a `[status, 'code']` table like ONVIF's). */
export function scanErrorSites(): { sites: ErrorSite[]; indirectCodes: string[] } {
  if (cache) return cache;
  const server = tsFiles(join(root, 'server')).map(parse);
  const consts = stringConstants([...server, ...tsFiles(join(root, 'shared')).map(parse)]);
  const sites: ErrorSite[] = [];
  const indirect = new Set<string>();
  for (const { file, sf } of server) {
    if (file.endsWith(join('util', 'errors.ts'))) continue; // the helpers themselves
    sitesIn(relative(root, file), sf, consts, sites, indirect);
  }
  cache = { sites, indirectCodes: [...indirect].sort() };
  return cache;
}

/** Every code the server can send: the sites' codes and the indirect ones. */
export function serverErrorCodes(): string[] {
  const { sites, indirectCodes } = scanErrorSites();
  const codes = new Set(indirectCodes);
  for (const s of sites) if (s.code) codes.add(s.code);
  return [...codes].sort();
}
