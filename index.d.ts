export { ApiKeysPlugin, ApiKeysPlugin as default } from './dist/lib/ApiKeysPlugin';
export type { PluginConfig } from './dist/lib/core/config';
