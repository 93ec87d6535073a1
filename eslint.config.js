// Lint rules. The one rule that carries architecture: code under src/core is the pure core
// (hashing math, indexes, match policy) and may not reach the file system, network, database
// or child processes. I/O lives in the edges around it (media, store, server, cli).
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'dgram',
  'node:dgram',
  'sharp',
  'pg',
  'better-sqlite3',
  'kysely',
  'fastify',
  'ioredis',
  'pino',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'src/core is pure: no I/O here.' })),
          patterns: [
            {
              group: ['**/media/**', '**/store/**', '**/server/**', '**/cli/**', '**/log/**'],
              message: 'src/core may not import the I/O edges.',
            },
          ],
        },
      ],
    },
  },
);
