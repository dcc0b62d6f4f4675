/**
 * The OpenAPI operation of each HTTP route, built from the action schemas (./actions). Kuzzle 2.56 reads it from the
 * route definition (`http: [{ verb, path, openapi }]`) and serves it, as is, under `GET /_openapi?scope=app`.
 */
import { ERROR_CATALOGUE, ERROR_ID_PREFIX } from '../errors';
import { ACTION_SCHEMAS, COMMON_ERRORS, KUZZLE_ERRORS, Target, argsOf } from './actions';
import type { Schema } from './fields';

const CONTROLLERS: Record<Target, string> = { security: 'api-keys/security', auth: 'api-keys/auth' };

/** The status of an error id the plugin documents (its own catalogue, or Kuzzle's ids above). */
export function statusOfErrorId(id: string): number | undefined {
  if (id.startsWith(ERROR_ID_PREFIX)) {
    return (ERROR_CATALOGUE as Record<string, { status: number }>)[id.slice(ERROR_ID_PREFIX.length)]?.status;
  }
  return KUZZLE_ERRORS[id];
}

/** Kuzzle's HTTP answer: the result is wrapped with the request's id, status and error. */
function envelope(result: Schema): Schema {
  return {
    type: 'object',
    required: ['status', 'error', 'result'],
    properties: {
      requestId: { type: 'string' },
      status: { type: 'integer', const: 200 },
      error: { type: 'null' },
      controller: { type: 'string' },
      action: { type: 'string' },
      volatile: { type: ['object', 'null'] },
      result,
    },
  };
}

function errorEnvelope(status: number, ids: string[]): Schema {
  return {
    type: 'object',
    required: ['status', 'error'],
    properties: {
      status: { type: 'integer', const: status },
      error: {
        type: 'object',
        required: ['id', 'message', 'status'],
        properties: {
          id: { enum: ids },
          message: { type: 'string' },
          status: { type: 'integer', const: status },
          code: { type: 'integer' },
        },
      },
      result: { type: 'null' },
    },
  };
}

function errorResponses(ids: string[]): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const id of ids) {
    const status = statusOfErrorId(id);
    // an id without a known status is a mistake in ./actions: fail loudly (unit tests and boot)
    if (status === undefined) throw new Error(`OpenAPI: no status known for the error id "${id}"`);
    byStatus.set(status, [...(byStatus.get(status) ?? []), id]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((id) => `\`${id}\``).join(', '),
      content: { 'application/json': { schema: errorEnvelope(status, list) } },
    };
  }
  return responses;
}

/**
 * The OpenAPI operation for one route of an action (`path` as declared, `:param` placeholders; `index` tells apart
 * several routes of one action), or undefined for an action without a schema (Kuzzle then generates a stub).
 */
export function openapiFor(action: string, target: Target, verb: string, path: string, index = 0): Record<string, unknown> | undefined {
  const spec = ACTION_SCHEMAS[action];
  if (!spec) return undefined;
  const inPath = new Set([...path.matchAll(/:([^/]+)/g)].map((m) => m[1]));
  const parameters = Object.entries(argsOf(action, target)).map(([name, arg]) => ({
    name,
    in: inPath.has(name) ? 'path' : 'query',
    required: inPath.has(name) || undefined,
    description: arg.description,
    schema: arg.schema,
  }));
  const operation: Record<string, unknown> = {
    operationId: `${target}_${action}${index > 0 ? `_${index + 1}` : ''}`,
    summary: spec.summary,
    description: `${spec.description} (\`${CONTROLLERS[target]}:${action}\`)`,
    tags: [CONTROLLERS[target]],
    parameters,
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: envelope(spec.result) } } },
      ...errorResponses([...new Set([...COMMON_ERRORS, ...spec.errors])]),
    },
  };
  if (spec.body && verb.toLowerCase() !== 'get') {
    operation.requestBody = {
      required: (spec.body.required?.length ?? 0) > 0,
      description: spec.body.description,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: spec.body.properties,
            ...(spec.body.required ? { required: spec.body.required } : {}),
          },
        },
      },
    };
  }
  return JSON.parse(JSON.stringify(operation));
}
