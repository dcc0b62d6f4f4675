/**
 * Input validation from the same schemas as the OpenAPI description: types and shapes only, before the handler runs.
 * Requiredness stays with the handlers (Kuzzle's request helpers answer `api.assert.missing_argument`, as documented),
 * and so do the deep checks. A value failing a schema gets the error its schema names (`x-error`), else
 * `invalid_argument`, so that validation raises the ids the handlers raise for the same input.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { ApiKeyError, ErrorName } from '../errors';
import { ACTION_SCHEMAS, Target, argsOf } from './actions';
import type { Schema } from './fields';

// strict mode would refuse the documentation keywords (`description`, `x-error`) that OpenAPI shows
const ajv = new Ajv({ allErrors: false, strict: false });

interface Compiled {
  args: ValidateFunction;
  argSchemas: Record<string, Schema>;
  fields?: ValidateFunction;
  fieldSchemas: Record<string, Schema>;
  alsoTopLevel: boolean;
}

const compiled = new Map<string, Compiled>();

function compile(action: string, target: Target): Compiled | undefined {
  const cacheKey = `${target}:${action}`;
  const hit = compiled.get(cacheKey);
  if (hit) return hit;
  const spec = ACTION_SCHEMAS[action];
  if (!spec) return undefined;
  const argSchemas = Object.fromEntries(Object.entries(argsOf(action, target)).map(([name, arg]) => [name, arg.schema]));
  const fieldSchemas = spec.body?.properties ?? {};
  const entry: Compiled = {
    // Kuzzle accepts extra arguments (and the SDK adds some): only the documented ones are checked
    args: ajv.compile({ type: 'object', properties: argSchemas }),
    argSchemas,
    fields: Object.keys(fieldSchemas).length > 0 ? ajv.compile({ type: 'object', properties: fieldSchemas }) : undefined,
    fieldSchemas,
    alsoTopLevel: spec.body?.alsoTopLevel ?? false,
  };
  compiled.set(cacheKey, entry);
  return entry;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * HTTP query strings carry strings: the SDK joins arrays with commas and JSON-encodes objects, and the handlers read
 * them back (a JSON array or a comma-separated list for lists, a JSON object for objects). So does validation.
 */
function decoded(value: unknown, schema: Schema): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const expects = JSON.stringify(schema);
  if (expects.includes('"type":"array"')) {
    if (text.startsWith('[')) {
      try { return JSON.parse(text); } catch { return value; }
    }
    return text === '' ? [] : text.split(',').map((s) => s.trim());
  }
  if (expects.includes('"type":"object"') && text.startsWith('{')) {
    try { return JSON.parse(text); } catch { return value; }
  }
  return value;
}

function fail(error: ErrorObject, where: string, schemas: Record<string, Schema>): never {
  const field = error.instancePath.split('/')[1] ?? '';
  const name = (schemas[field]?.['x-error'] as ErrorName | undefined) ?? 'invalid_argument';
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  throw new ApiKeyError(name, `Invalid argument "${where}${path}": ${error.message ?? 'invalid value'}.`);
}

/**
 * Checks a request's arguments and body against its action's schema. Actions without a schema are left to their
 * handler. @throws ApiKeyError
 */
export function validateInput(action: string, target: Target, args: Record<string, unknown>, body: unknown): void {
  const schema = compile(action, target);
  if (!schema) return;
  if (!schema.args(args)) fail(schema.args.errors![0], '', schema.argSchemas);
  if (!schema.fields) return;
  const given = isObject(body) ? body : {};
  const fields: Record<string, unknown> = {};
  for (const [name, fieldSchema] of Object.entries(schema.fieldSchemas)) {
    const value = given[name] !== undefined ? given[name] : schema.alsoTopLevel ? args[name] : undefined;
    if (value !== undefined) fields[name] = decoded(value, fieldSchema);
  }
  if (!schema.fields(fields)) fail(schema.fields.errors![0], schema.alsoTopLevel ? '' : 'body.', schema.fieldSchemas);
}
