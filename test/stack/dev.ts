/**
 * `npm run dev`: the whole stack in the foreground (ES emulator + Redis + Kuzzle with the plugin),
 * an admin login and ready-to-paste curl commands. Ctrl-C stops everything.
 */
import { startStack } from './index';

async function main(): Promise<void> {
  const port = process.env.KUZZLE_PORT ? Number(process.env.KUZZLE_PORT) : undefined;
  const stack = await startStack({ verbose: process.env.STACK_VERBOSE === '1', kuzzlePort: port });
  const url = `http://${stack.host}:${stack.port}`;
  const { username, password } = stack.admin;
  const lines = [
    '',
    `Kuzzle ${'2.56'} with kuzzle-plugin-api-keys is running at ${url}`,
    `(storage: in-memory Elasticsearch ${stack.esMajor} emulator at ${stack.esUrl}, Redis on port ${stack.redisPort})`,
    '',
    `Admin login: username "${username}", password "${password}"`,
    '',
    '# 1. log in as the admin, keep the token:',
    `TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"${username}","password":"${password}"}' ${url}/_login/local | sed -E 's/.*"jwt":"([^"]+)".*/\\1/')`,
    '',
    '# 2. create an API key for the admin, scoped to server:now, and keep its secret (shown once):',
    `SECRET=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"try-me","scopes":["server:now"]}' '${url}/_/api-keys/users/admin/_create?expiresIn=1d' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
    '',
    '# 3. use the key (allowed by its scopes), then outside its scopes (403 plugin.api-keys.scope_denied):',
    `curl -s -H "Authorization: Bearer $SECRET" ${url}/_now`,
    `curl -s -H "Authorization: Bearer $SECRET" ${url}/_serverInfo`,
    '',
    'Press Ctrl-C to stop Kuzzle, Redis and the emulator.',
    '',
  ];
  // eslint-disable-next-line no-console
  console.log(lines.join('\n'));
  // Ctrl-C: processes.ts kills Kuzzle and Redis (their process groups) and exits.
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
