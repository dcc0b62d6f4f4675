/**
 * Actions that keys treat specially, whatever their scopes. Pure: no Kuzzle import.
 */

/** Any key may call these, whatever its scopes (Kuzzle's rights still apply). */
export const ALWAYS_ALLOWED: ReadonlyArray<string> = Object.freeze([
  'server:publicApi',
  'auth:checkToken',
  'auth:getCurrentUser',
  'auth:logout',
  // removes only the caller's own subscriptions
  'realtime:unsubscribe',
]);

/**
 * Refused to every key, unrestricted ones included: each would hand out a credential (a password, a login token)
 * that outlives the key.
 */
export const CREDENTIAL_ACTIONS: ReadonlyArray<string> = Object.freeze([
  'auth:createMyCredentials',
  'auth:updateMyCredentials',
  'auth:createToken',
  'auth:refreshToken',
]);

/**
 * Actions that create or widen a persistent identity (a user, credentials, a role, a profile). A key with scopes gets
 * one only from a scope that names its controller and action literally: `security:*` or `*:*` written for "manage
 * documents and read users" must not silently also mean "mint an admin that outlives the key".
 */
export const PERSISTENT_PRIVILEGE_ACTIONS: ReadonlyArray<string> = Object.freeze([
  'security:createUser',
  'security:createRestrictedUser',
  'security:upsertUser',
  'security:replaceUser',
  'security:updateUser',
  'security:createCredentials',
  'security:updateCredentials',
  'security:createFirstAdmin',
  'security:createRole',
  'security:createOrReplaceRole',
  'security:updateRole',
  'security:createProfile',
  'security:createOrReplaceProfile',
  'security:updateProfile',
  'admin:loadSecurities',
  // restores Kuzzle's bootstrap roles, where anonymous has every right until createFirstAdmin runs again
  'admin:resetSecurity',
  // the Chrome DevTools protocol on the Kuzzle process: code execution, when Kuzzle's debugger is enabled
  'debug:enable',
  'debug:post',
]);

const ALWAYS = new Set(ALWAYS_ALLOWED);
const CREDENTIAL = new Set(CREDENTIAL_ACTIONS);
const PERSISTENT = new Set(PERSISTENT_PRIVILEGE_ACTIONS);

export function isAlwaysAllowed(controller: string, action: string): boolean {
  return ALWAYS.has(`${controller}:${action}`);
}

export function isCredentialAction(controller: string, action: string): boolean {
  return CREDENTIAL.has(`${controller}:${action}`);
}

export function isPersistentPrivilege(controller: string, action: string): boolean {
  return PERSISTENT.has(`${controller}:${action}`);
}
