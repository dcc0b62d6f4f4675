import { assertAllowedClause } from '../../../lib/core/queryClauses';
import { expectApiKeyError } from './helpers';

describe('assertAllowedClause', () => {
  it.each([
    [{ match_all: {} }],
    [{ term: { name: 'x' } }],
    [{ terms: { name: ['a', 'b'] } }],
    [{ range: { createdAt: { gte: 1 } } }],
    [{ bool: { must: [{ match: { name: 'x' } }], filter: { exists: { field: 'claims' } }, minimum_should_match: 1 } }],
    [{ bool: { should: [{ prefix: { name: 'a' } }, { ids: { values: ['x'] } }], must_not: [] } }],
  ])('accepts %j', (clause) => {
    expect(() => assertAllowedClause(clause)).not.toThrow();
  });

  it.each([
    [{ terms: { userId: { index: 'users', id: 'x', path: 'y' } } }, 'terms lookups'],
    [{ more_like_this: { like: 'x' } }, '"more_like_this" is not allowed'],
    [{ percolate: { field: 'q', document: {} } }, '"percolate"'],
    [{ script: { script: 'x' } }, '"script"'],
    [{ bool: { must: [{ match: { a: 1 } }, { wrapper: { query: 'e30=' } }] } }, '"wrapper"'],
    [{ bool: { must: { has_child: {} } } }, '"has_child"'],
    [{ bool: { adjust_pure_negative: true } }, 'bool.adjust_pure_negative'],
    [{ term: { a: 1 }, match: { b: 2 } }, 'exactly one type'],
    [{}, 'exactly one type'],
    [[{ term: { a: 1 } }], 'must be an object'],
    ['match_all', 'must be an object'],
    [{ term: 'x' }, 'takes an object'],
  ])('refuses %j', (clause, reason) => {
    const err = expectApiKeyError(() => assertAllowedClause(clause), 'invalid_argument');
    expect(err.message).toContain(reason);
  });

  it('refuses absurd nesting', () => {
    let clause: unknown = { match_all: {} };
    for (let i = 0; i < 20; i++) clause = { bool: { must: [clause] } };
    expectApiKeyError(() => assertAllowedClause(clause), 'invalid_argument');
  });
});
