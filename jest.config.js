/** Unit tests: pure logic and the Elasticsearch emulator. Kuzzle integration lives in features/. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
