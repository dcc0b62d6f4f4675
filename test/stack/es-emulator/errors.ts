/**
 * Elasticsearch error bodies, with the exact types, reasons and statuses Kuzzle's esWrapper matches
 * (it maps errors by regular expressions on `error.reason`).
 */

export interface Cause {
  type: string;
  reason: string;
  [key: string]: unknown;
}

export type Major = 7 | 8;

export class EsError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown, message: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export interface IndexRef {
  name: string;
  uuid: string;
}

export function indexMeta(index: IndexRef): Record<string, string> {
  return { index_uuid: index.uuid, shard: '0', index: index.name };
}

/** A standard `{ error: { root_cause, type, reason, ... }, status }` error. */
export function esError(status: number, cause: Cause, rootCauses?: Cause[]): EsError {
  const { caused_by: causedBy, ...top } = cause;
  const root = rootCauses ?? [stripCause(top as Cause)];
  const error: Record<string, unknown> = { root_cause: root, ...top };
  if (causedBy !== undefined) error.caused_by = causedBy;
  return new EsError(status, { error, status }, cause.reason);
}

function stripCause(cause: Cause): Cause {
  const { caused_by: _ignored, ...rest } = cause;
  return rest as Cause;
}

export function indexNotFound(name: string): EsError {
  return esError(404, indexNotFoundCause(name));
}

export function indexNotFoundCause(name: string): Cause {
  return {
    type: 'index_not_found_exception',
    reason: `no such index [${name}]`,
    'resource.type': 'index_or_alias',
    'resource.id': name,
    index_uuid: '_na_',
    index: name,
  };
}

/** GET/HEAD /_alias/{name} for an unknown alias answers with a bare string error. */
export function aliasMissing(names: string[]): EsError {
  const reason =
    names.length === 1 ? `alias [${names[0]}] missing` : `aliases [${names.join(',')}] missing`;
  return new EsError(404, { error: reason, status: 404 }, reason);
}

export function resourceAlreadyExists(index: IndexRef): EsError {
  return esError(400, {
    type: 'resource_already_exists_exception',
    reason: `index [${index.name}/${index.uuid}] already exists`,
    index_uuid: index.uuid,
    index: index.name,
  });
}

export function invalidIndexName(name: string, why: string): EsError {
  return esError(400, {
    type: 'invalid_index_name_exception',
    reason: `Invalid index name [${name}], ${why}`,
    index_uuid: '_na_',
    index: name,
  });
}

export function invalidAliasName(alias: string, why: string): EsError {
  return esError(400, {
    type: 'invalid_alias_name_exception',
    reason: `Invalid alias name [${alias}], ${why}`,
    index_uuid: '_na_',
    index: alias,
  });
}

export function versionConflictCause(index: IndexRef, id: string, detail: string): Cause {
  return {
    type: 'version_conflict_engine_exception',
    reason: `[${id}]: version conflict, ${detail}`,
    ...indexMeta(index),
  };
}

export function documentMissingCause(index: IndexRef, id: string, major: Major): Cause {
  return {
    type: 'document_missing_exception',
    reason: major === 7 ? `[_doc][${id}]: document missing` : `[${id}]: document missing`,
    ...indexMeta(index),
  };
}

export function strictDynamicCause(field: string, within: string, major: Major, position: string): Cause {
  const text = `mapping set to strict, dynamic introduction of [${field}] within [${within}] is not allowed`;
  return {
    type: 'strict_dynamic_mapping_exception',
    reason: major === 8 ? `[${position}] ${text}` : text,
  };
}

export function mapperParsing(reason: string, causedBy?: Cause): EsError {
  return esError(400, causedBy ? { type: 'mapper_parsing_exception', reason, caused_by: causedBy } : { type: 'mapper_parsing_exception', reason });
}

export function parsingError(reason: string, causedBy?: Cause): EsError {
  const cause: Cause = { type: 'parsing_exception', reason, line: 1, col: 1 };
  if (causedBy) cause.caused_by = causedBy;
  return esError(400, cause);
}

export function illegalArgument(reason: string): EsError {
  return esError(400, { type: 'illegal_argument_exception', reason });
}

export function actionValidation(problems: string[]): EsError {
  const reason = `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`;
  return esError(400, { type: 'action_request_validation_exception', reason });
}

/** Per-shard failures of a search ("all shards failed"), as ES reports query/sort errors. */
export function searchPhaseError(cause: Cause, index: IndexRef | null, status = 400): EsError {
  return esError(
    status,
    {
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [
        { shard: 0, index: index ? index.name : null, node: 'es-emulator-node', reason: cause },
      ],
      caused_by: cause,
    },
    [cause],
  );
}

export function queryShardCause(reason: string, index: IndexRef | null, causedBy?: Cause): Cause {
  const cause: Cause = {
    type: 'query_shard_exception',
    reason,
    index_uuid: index ? index.uuid : '_na_',
    index: index ? index.name : '_na_',
  };
  if (causedBy) cause.caused_by = causedBy;
  return cause;
}

/** A feature of Elasticsearch that this emulator does not implement. */
export function unsupported(feature: string): EsError {
  return esError(501, {
    type: 'es_emulator_unsupported_exception',
    reason: `[es-emulator] ${feature} is not supported by the Elasticsearch emulator`,
  });
}

export function noHandler(method: string, path: string): EsError {
  return esError(400, {
    type: 'illegal_argument_exception',
    reason: `no handler found for uri [${path}] and method [${method}] (es-emulator: unknown route)`,
  });
}

export function unrecognizedParameters(path: string, params: string[]): EsError {
  const list = params.map((p) => `[${p}]`).join(', ');
  return illegalArgument(
    `request [${path}] contains unrecognized parameter${params.length > 1 ? 's' : ''}: ${list}`,
  );
}

export function indexClosed(index: IndexRef): EsError {
  return esError(400, {
    type: 'index_closed_exception',
    reason: 'closed',
    ...indexMeta(index),
  });
}

export function searchContextMissing(id: string): EsError {
  const cause: Cause = {
    type: 'search_context_missing_exception',
    reason: `No search context found for id [${id}]`,
  };
  return esError(
    404,
    {
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: -1, index: null, reason: cause }],
      caused_by: cause,
    },
    [cause],
  );
}

export function emulatedFault(status: number, description: string): EsError {
  return esError(status, {
    type: status === 503 ? 'cluster_block_exception' : 'es_emulator_fault_exception',
    reason: `[es-emulator] emulated fault: ${description}`,
  });
}
