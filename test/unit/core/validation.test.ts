import {
  LIMITS,
  validateClaims,
  validateDescription,
  validateKeyId,
  validateName,
  validateRevocationReason,
  validateStorageId,
} from '../../../lib/core/validation';
import { expectApiKeyError } from './helpers';

describe('LIMITS', () => {
  it('has the documented values', () => {
    expect(LIMITS).toEqual({
      nameMaxLength: 256,
      descriptionMaxLength: 4096,
      idMaxLength: 128,
      revocationReasonMaxLength: 1024,
    });
  });
});

describe('validateName', () => {
  it('undefined/null → undefined', () => {
    expect(validateName(undefined)).toBeUndefined();
    expect(validateName(null)).toBeUndefined();
  });

  it('returns the trimmed name', () => {
    expect(validateName('ci key')).toBe('ci key');
    expect(validateName('  ci key \n')).toBe('ci key');
  });

  it.each([[''], ['   '], ['\t\n']])('rejects the blank name %j', (v) => {
    const err = expectApiKeyError(() => validateName(v), 'invalid_argument');
    expect(err.message).toContain('"name"');
  });

  it.each([[42], [true], [{}], [['a']]])('rejects the non-string %p', (v) => {
    const err = expectApiKeyError(() => validateName(v), 'invalid_argument');
    expect(err.message).toContain('"name"');
    expect(err.message).toContain('string');
  });

  it('enforces the length limit in characters', () => {
    expect(validateName('a'.repeat(256))).toHaveLength(256);
    // 256 astral characters = 512 UTF-16 units, still 256 characters
    expect(validateName('😀'.repeat(256))).toBe('😀'.repeat(256));
    const err = expectApiKeyError(() => validateName('a'.repeat(257)), 'invalid_argument');
    expect(err.message).toContain('256');
    expectApiKeyError(() => validateName('😀'.repeat(257)), 'invalid_argument');
    expectApiKeyError(() => validateName('a'.repeat(100000)), 'invalid_argument');
  });
});

describe('validateDescription', () => {
  it('undefined/null → undefined', () => {
    expect(validateDescription(undefined)).toBeUndefined();
    expect(validateDescription(null)).toBeUndefined();
  });

  it('keeps the description as is, empty included', () => {
    expect(validateDescription('')).toBe('');
    expect(validateDescription('  line 1\nline 2  ')).toBe('  line 1\nline 2  ');
  });

  it('rejects non-strings and overlong descriptions', () => {
    const err = expectApiKeyError(() => validateDescription(12), 'invalid_argument');
    expect(err.message).toContain('"description"');
    expect(validateDescription('d'.repeat(4096))).toHaveLength(4096);
    const long = expectApiKeyError(() => validateDescription('d'.repeat(4097)), 'invalid_argument');
    expect(long.message).toContain('4096');
  });
});

describe('validateClaims', () => {
  it('undefined/null → undefined', () => {
    expect(validateClaims(undefined, 100)).toBeUndefined();
    expect(validateClaims(null, 100)).toBeUndefined();
  });

  it('returns a JSON copy of a plain object', () => {
    const claims = { tenant: 'acme', plan: { tier: 2 }, tags: ['a', 'b'], skipped: undefined };
    const out = validateClaims(claims, 8192);
    expect(out).toEqual({ tenant: 'acme', plan: { tier: 2 }, tags: ['a', 'b'] });
    expect(out).not.toBe(claims);
    expect(validateClaims({}, 2)).toEqual({});
    expect(validateClaims(Object.create(null), 10)).toEqual({});
  });

  it.each([[[]], [['a']], ['{"a":1}'], [42], [true], [new Date()], [new Map()]])('rejects %p', (v) => {
    const err = expectApiKeyError(() => validateClaims(v, 8192), 'invalid_argument');
    expect(err.message).toContain('"claims"');
  });

  it('rejects what cannot be serialised', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expectApiKeyError(() => validateClaims(circular, 8192), 'invalid_argument');
    expectApiKeyError(() => validateClaims({ n: BigInt(1) }, 8192), 'invalid_argument');
  });

  it.each([
    ['{"__proto__":{"admin":true}}', '__proto__'],
    ['{"plan":{"__proto__":{"x":1}}}', 'plan.__proto__'],
    ['{"list":[{"a":1},{"__proto__":null}]}', 'list.1.__proto__'],
    ['{"constructor":{"prototype":{"x":1}}}', 'constructor.prototype'],
    ['{"deep":{"constructor":{"prototype":1}}}', 'deep.constructor.prototype'],
  ])('rejects the prototype key in %s (the storage client refuses to read it back)', (json, path) => {
    const err = expectApiKeyError(() => validateClaims(JSON.parse(json), 8192), 'invalid_argument');
    expect(err.message).toContain(path);
  });

  it('accepts "constructor" and "prototype" as ordinary names', () => {
    expect(validateClaims({ constructor: 'Bob', prototype: { a: 1 }, x: { constructor: { kind: 1 } } }, 8192))
      .toEqual({ constructor: 'Bob', prototype: { a: 1 }, x: { constructor: { kind: 1 } } });
  });

  it('measures the serialised size in UTF-8 bytes', () => {
    // {"a":"xxxx"} = 12 bytes
    expect(validateClaims({ a: 'xxxx' }, 12)).toEqual({ a: 'xxxx' });
    const err = expectApiKeyError(() => validateClaims({ a: 'xxxxx' }, 12), 'claims_too_large');
    expect(err.message).toContain('13');
    expect(err.message).toContain('12');
    expect(err.status).toBe(400);
    // "é" takes 2 bytes: {"a":"é"} = 10 bytes
    expect(validateClaims({ a: 'é' }, 10)).toEqual({ a: 'é' });
    expectApiKeyError(() => validateClaims({ a: 'é' }, 9), 'claims_too_large');
  });
});

describe('validateKeyId', () => {
  it('undefined/null → undefined', () => {
    expect(validateKeyId(undefined)).toBeUndefined();
    expect(validateKeyId(null)).toBeUndefined();
  });

  it.each([['a'], ['my-key_1'], ['ci.deploy:prod'], ['A'.repeat(128)], ['0'], ['-x']])('accepts %j', (v) => {
    expect(validateKeyId(v)).toBe(v);
  });

  it.each([
    [''],
    ['_hidden'],
    ['_'],
    ['a'.repeat(129)],
    ['with space'],
    ['slash/id'],
    ['é'],
    ['a*'],
    ['a#b'],
    ['a\n'],
  ])('rejects %j', (v) => {
    const err = expectApiKeyError(() => validateKeyId(v), 'invalid_argument');
    expect(err.message).toContain('"_id"');
  });

  it.each([[1], [true], [{}], [['a']]])('rejects the non-string %p', (v) => {
    expectApiKeyError(() => validateKeyId(v), 'invalid_argument');
  });
});

describe('validateStorageId', () => {
  it.each([['a'], ['kuid-é😀'], ['é'.repeat(256)], ['x'.repeat(512)], ['with space/and slash']])('accepts %j', (v) => {
    expect(validateStorageId('userId', v)).toBe(v);
  });

  it.each([
    [''],
    ['   '],
    ['lone \ud800 high surrogate'],
    ['lone \udc00 low surrogate'],
    ['\ud800'],
    ['reversed \udc00\ud800 pair'],
    ['é'.repeat(257)],
    ['x'.repeat(513)],
  ])('rejects %j', (v) => {
    const err = expectApiKeyError(() => validateStorageId('userId', v), 'invalid_argument');
    expect(err.message).toContain('"userId"');
  });

  it.each([[1], [null], [{}], [['a']]])('rejects the non-string %p', (v) => {
    expectApiKeyError(() => validateStorageId('_id', v), 'invalid_argument');
  });
});

describe('validateRevocationReason', () => {
  it('absent or blank → null', () => {
    expect(validateRevocationReason(undefined)).toBeNull();
    expect(validateRevocationReason(null)).toBeNull();
    expect(validateRevocationReason('')).toBeNull();
    expect(validateRevocationReason('   ')).toBeNull();
  });

  it('returns the trimmed reason', () => {
    expect(validateRevocationReason(' leaked in CI logs ')).toBe('leaked in CI logs');
  });

  it('rejects non-strings and overlong reasons', () => {
    const err = expectApiKeyError(() => validateRevocationReason(5), 'invalid_argument');
    expect(err.message).toContain('"revocationReason"');
    expect(validateRevocationReason('r'.repeat(1024))).toHaveLength(1024);
    const long = expectApiKeyError(() => validateRevocationReason('r'.repeat(1025)), 'invalid_argument');
    expect(long.message).toContain('1024');
  });
});
