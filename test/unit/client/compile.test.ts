/**
 * The client's types refuse wrong arguments: compile/usage.ts uses the client, with browser libs and no Node types,
 * and each wrong use is marked @ts-expect-error (tsc fails on a marker that is not an error). Without the markers,
 * tsc must report an error on exactly the marked lines.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const TSC = require.resolve('typescript/bin/tsc');
const DIR = resolve(__dirname, 'compile');

function tsc(project: string) {
  return spawnSync(process.execPath, [TSC, '--noEmit', '-p', project], { encoding: 'utf8' });
}

describe('client types', () => {
  jest.setTimeout(120_000);

  it('compile in a browser setting, with every @ts-expect-error still an error', () => {
    const run = tsc(DIR);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('report an error on each marked line once the markers are removed', () => {
    const source = readFileSync(join(DIR, 'usage.ts'), 'utf8').split('\n');
    const expected = source.flatMap((line, i) => (line.trim().startsWith('// @ts-expect-error') ? [i + 2] : []));
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const tmp = mkdtempSync(join(tmpdir(), 'api-keys-client-types-'));
    try {
      const stripped = source.map((line) => (line.trim().startsWith('// @ts-expect-error') ? '' : line)).join('\n')
        .replace("'../../../../client'", JSON.stringify(resolve(__dirname, '../../../client')));
      writeFileSync(join(tmp, 'usage.ts'), stripped);
      const config = JSON.parse(readFileSync(join(DIR, 'tsconfig.json'), 'utf8'));
      config.compilerOptions.typeRoots = [resolve(__dirname, '../../../node_modules/@types')];
      config.compilerOptions.baseUrl = resolve(__dirname, '../../../node_modules');
      writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify(config));
      const run = tsc(tmp);
      const lines = [...run.stdout.matchAll(/usage\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
      expect([...new Set(lines)].sort((a, b) => a - b)).toEqual(expected);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
