import fs from 'fs';
import os from 'os';
import path from 'path';
import { buildConsoleController, CONTENT_SECURITY_POLICY } from '../../../lib/controllers/console';

// Kuzzle itself cannot load under jest (native addons, ESM dependencies): its error class, as the controller uses it
jest.mock('kuzzle', () => ({
  NotFoundError: class extends Error {
    status = 404;
    constructor(message: string, readonly id: string) { super(message); }
  },
}));

function fakeRequest(args: Record<string, unknown> = {}) {
  const configured: any[] = [];
  return {
    configured,
    input: { args },
    getString: (name: string) => {
      if (typeof args[name] !== 'string') throw new Error(`missing ${name}`);
      return args[name] as string;
    },
    response: { configure: (o: unknown) => configured.push(o) },
  };
}

describe('api-keys/console controller', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<html></html>');
  fs.writeFileSync(path.join(dir, 'console.js'), 'void 0;');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not served');
  const { actions } = buildConsoleController(dir);

  it('serves the page as a raw response with the security headers', async () => {
    const request = fakeRequest();
    const body = await actions.page.handler(request as any);
    expect(body.toString()).toBe('<html></html>');
    const { format, headers } = request.configured[0];
    expect(format).toBe('raw');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
  });

  it('serves only allowlisted assets: other names, even existing files, are a 404', async () => {
    const ok = fakeRequest({ file: 'console.js' });
    expect((await actions.asset.handler(ok as any)).toString()).toBe('void 0;');
    expect(ok.configured[0].headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    for (const file of ['secret.txt', 'index.html', '../console.js', 'toString', '__proto__']) {
      await expect(actions.asset.handler(fakeRequest({ file }) as any)).rejects.toMatchObject({ status: 404, id: 'network.http.url_not_found' });
    }
  });

  it('an allowlisted asset missing from the build is a 404 saying to build', async () => {
    await expect(actions.asset.handler(fakeRequest({ file: 'console.css' }) as any)).rejects.toThrow(/npm run build/);
  });

  it('the policy forbids inline script, other origins and framing', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
