/**
 * Signing in and out. The SDK talks to the Kuzzle that served the page, over HTTP (so `connect-src 'self'` covers
 * it). A login token is kept in sessionStorage (this tab only, gone with it; auth:logout revokes it); a pasted
 * token or API key is kept in memory only: a secret someone pasted is never written anywhere.
 */
import { Kuzzle, Http } from 'kuzzle-sdk';
import { ApiKeys } from '../../client';

const STORAGE_KEY = 'kuzzle-api-keys-console/session';

export interface Session {
  sdk: Kuzzle;
  api: ApiKeys;
  kuid: string;
  /** 'login': a token from auth:login (logout revokes it); 'token': pasted (logout forgets it) */
  mode: 'login' | 'token';
  /** the caller may manage any user's keys (api-keys/security) */
  canManageAll: boolean;
  /** the caller may list users (security:searchUsers), for the user picker */
  canSearchUsers: boolean;
}

interface Right { controller: string; action: string; value: string }

function allowed(rights: Right[], controller: string, action: string): boolean {
  return rights.some((r) => (r.controller === controller || r.controller === '*')
    && (r.action === action || r.action === '*') && r.value !== 'denied');
}

export function newSdk(): Kuzzle {
  const https = location.protocol === 'https:';
  const port = location.port ? Number(location.port) : (https ? 443 : 80);
  const sdk = new Kuzzle(new Http(location.hostname, { port, sslConnection: https }) as any, { autoResubscribe: false } as any);
  return sdk;
}

async function open(sdk: Kuzzle, mode: Session['mode']): Promise<Session> {
  const user = await sdk.auth.getCurrentUser();
  const rights = (await sdk.auth.getMyRights()) as unknown as Right[];
  return {
    sdk,
    api: new ApiKeys(sdk),
    kuid: user._id,
    mode,
    canManageAll: allowed(rights, 'api-keys/security', 'searchApiKeys'),
    canSearchUsers: allowed(rights, 'security', 'searchUsers'),
  };
}

export async function signIn(username: string, password: string): Promise<Session> {
  const sdk = newSdk();
  await sdk.connect();
  await sdk.auth.login('local', { username, password });
  const session = await open(sdk, 'login');
  try {
    sessionStorage.setItem(STORAGE_KEY, sdk.jwt as string);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
  return session;
}

export async function useToken(token: string): Promise<Session> {
  const sdk = newSdk();
  await sdk.connect();
  const trimmed = token.trim();
  if (trimmed.startsWith('kapikey-')) sdk.setAPIKey(trimmed);
  else sdk.jwt = trimmed;
  return open(sdk, 'token');
}

/** A login token left in this tab by a reload; null when there is none or it no longer works. */
export async function resume(): Promise<Session | null> {
  let jwt: string | null = null;
  try { jwt = sessionStorage.getItem(STORAGE_KEY); } catch { jwt = null; }
  if (!jwt) return null;
  const sdk = newSdk();
  await sdk.connect();
  const check = await sdk.auth.checkToken(jwt);
  if (!check.valid) {
    forgetStored();
    return null;
  }
  sdk.jwt = jwt;
  return open(sdk, 'login');
}

export function forgetStored(): void {
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* nothing stored */ }
}

/** Logout: a login token is revoked on the server; a pasted token or key is only forgotten. */
export async function signOut(session: Session): Promise<void> {
  forgetStored();
  try {
    if (session.mode === 'login') await session.sdk.auth.logout();
  } finally {
    session.sdk.jwt = null as any;
    session.sdk.disconnect();
  }
}
