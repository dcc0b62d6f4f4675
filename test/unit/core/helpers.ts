import { ApiKeyError, ErrorName } from '../../../lib/core/errors';

/** Runs fn, expects an ApiKeyError with this name, and returns it for further checks. */
export function expectApiKeyError(fn: () => unknown, name: ErrorName): ApiKeyError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof ApiKeyError)) {
    throw new Error(`expected an ApiKeyError "${name}", got ${caught === undefined ? 'no error' : String(caught)}`);
  }
  expect(caught.errorName).toBe(name);
  expect(caught.id).toBe(`plugin.api-keys.${name}`);
  expect(caught.message.length).toBeGreaterThan(0);
  return caught;
}
