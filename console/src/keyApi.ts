/**
 * The key calls for one target user: api-keys/auth for the signed-in user's own keys, api-keys/security (the
 * typed client's `keys`) for anyone else's. Same shapes either way.
 */
import type {
  ApiKey, ApiKeyWithToken, AuditSearchResult, CreateKeyInput, SearchKeysInput, SearchResult, UpdateKeyInput,
} from '../../client';
import type { Session } from './session';

export interface KeyApi {
  userId: string;
  own: boolean;
  create(input: CreateKeyInput): Promise<ApiKeyWithToken>;
  get(id: string): Promise<ApiKey>;
  search(input: SearchKeysInput): Promise<SearchResult<ApiKey>>;
  update(id: string, changes: UpdateKeyInput): Promise<ApiKey>;
  revoke(id: string, reason: string | undefined): Promise<ApiKey>;
  rotate(id: string, gracePeriod: number | string): Promise<ApiKeyWithToken>;
  delete(id: string): Promise<{ _id: string }>;
  audit(keyId: string): Promise<AuditSearchResult>;
}

export function keyApi(session: Session, userId: string): KeyApi {
  const { api } = session;
  // wait_for: the list shown right after a change includes it
  const refresh = 'wait_for' as const;
  if (userId === session.kuid) {
    return {
      userId,
      own: true,
      create: (input) => api.self.create({ ...input, refresh }),
      get: (id) => api.self.get(id),
      search: (input) => api.self.search(input),
      update: (id, changes) => api.self.update(id, { ...changes, refresh }),
      revoke: (id, reason) => api.self.revoke(id, { reason, refresh }),
      rotate: (id, gracePeriod) => api.self.rotate(id, { gracePeriod }),
      delete: (id) => api.self.delete(id, { refresh }),
      audit: (keyId) => api.self.audit.search({ keyId, size: 50 }),
    };
  }
  return {
    userId,
    own: false,
    create: (input) => api.keys.create(userId, { ...input, refresh }),
    get: (id) => api.keys.get(userId, id),
    search: (input) => api.keys.search(userId, input),
    update: (id, changes) => api.keys.update(userId, id, { ...changes, refresh }),
    revoke: (id, reason) => api.keys.revoke(userId, id, { reason, refresh }),
    rotate: (id, gracePeriod) => api.keys.rotate(userId, id, { gracePeriod }),
    delete: (id) => api.keys.delete(userId, id, { refresh }),
    audit: (keyId) => api.audit.search({ userId, keyId, size: 50 }),
  };
}
