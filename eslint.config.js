// Lint: type-checked TypeScript rules plus the architecture's allowed arrows (DESIGN.md §2).
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

// A file's role is its suffix (`order.service.ts`); a file under src/modules with none of these is a pure rule file.
// A client calls systems outside Ordo (a hook's URL).
const ROLES = ['table', 'repository', 'client', 'service', 'schemas', 'routes', 'guard', 'test']
// The core: every feature depends on it, so it depends on no other module.
const CORE = 'orders'

const fastify = ['fastify', 'fastify-*', '@fastify/*']

// Node built-ins that neither do I/O nor read the clock nor draw randomness; pure rule files may use these only.
const PURE_BUILTINS = [
  'assert',
  'assert/strict',
  'buffer',
  'path',
  'path/posix',
  'path/win32',
  'querystring',
  'string_decoder',
  'url',
  'util',
  'util/types',
]
const impureBuiltins = builtinModules.filter((name) => !PURE_BUILTINS.includes(name))

// Import patterns are matched against the specifier as written, so the module-boundary patterns assume the
// target layout's flat module folders: another module is `../<module>/<file>`, a path out of src/modules is `../../…`.
const outerLayers = {
  group: ['**/worker/**', '**/cli/**', '**/app.ts'],
  message:
    'Modules do not import worker/, cli/ or app.ts: those assemble the modules (the worker reaches them through the handler registry).',
}
const coreBoundary = {
  group: ['../*/**', '!../../**'],
  message: `The core \`${CORE}\` module imports no other module, not even types: features depend on the core, never the reverse.`,
}
const moduleBoundary = {
  // The last matching line wins: another module's files, except its services, except the core's shared files.
  group: [
    '../*/**',
    '!../../**',
    '!../*/*.service.ts',
    `!../${CORE}/*`,
    ...ROLES.filter((role) => role !== 'service' && role !== 'schemas').map(
      (role) => `../${CORE}/*.${role}.ts`,
    ),
  ],
  message: `A module reaches another only through its *.service.ts; the core \`${CORE}\` module also shares its pure rule files and *.schemas.ts.`,
}

const pureRules = [
  {
    group: ['*.repository.ts', '*.service.ts', '*.routes.ts', '*.guard.ts', '*.table.ts', '**/db/**'],
    message:
      'Pure rule files import only pure files, platform/ and schema types: repositories, services, routes, guards, row types and db/ call the rules, not the reverse.',
  },
  {
    group: ['*.schemas.ts'],
    allowTypeImports: true,
    message:
      'Pure rule files use the wire schemas as types only (`import type`): the schemas derive from the rules.',
  },
  {
    group: ['kysely', 'pg', 'better-sqlite3', ...fastify],
    message:
      'Pure rule files use no database driver and no web framework: that is the job of repositories and routes.',
  },
  {
    regex: `^node:(?!(?:${PURE_BUILTINS.join('|')})$)|^(?:${impureBuiltins.join('|')})$`,
    message:
      'Pure rule files do no I/O, read no clock and draw no randomness: take what this Node module gives as an argument.',
  },
]
const roleRules = {
  repository: [
    {
      group: ['*.service.ts', '*.routes.ts', '*.guard.ts', ...fastify],
      message:
        'Repositories are SQL only: services call them, never the reverse, and they know nothing of HTTP.',
    },
  ],
  client: [
    {
      group: ['*.repository.ts', '*.service.ts', '*.routes.ts', '*.guard.ts', '**/db/**', ...fastify],
      message:
        "Clients only talk to systems outside Ordo (HTTP out): services call them, and they know nothing of the database or of Ordo's own HTTP.",
    },
  ],
  service: [
    {
      group: ['*.routes.ts', '*.guard.ts', ...fastify],
      message: 'Services know nothing of HTTP: routes and guards call them, and they import no Fastify.',
    },
  ],
  routes: [{ group: ['*.repository.ts', '**/db/**'], message: 'Routes call services, not the database.' }],
  guard: [{ group: ['*.repository.ts', '**/db/**'], message: 'Guards call services, not the database.' }],
}

const roleFiles = ROLES.map((role) => `src/modules/**/*.${role}.ts`)

// ESLint keeps one set of options per rule and file (the last matching config wins), so the module-wide
// restrictions are repeated in each role's set, once for the core and once for every other module.
const moduleImportRules = [
  { dir: `src/modules/${CORE}`, outside: [], boundary: coreBoundary },
  { dir: 'src/modules', outside: [`src/modules/${CORE}/**`], boundary: moduleBoundary },
].flatMap(({ dir, outside, boundary }) =>
  [
    { files: [`${dir}/**/*.ts`], ignores: outside, patterns: [] },
    { files: [`${dir}/**/*.ts`], ignores: [...outside, ...roleFiles], patterns: pureRules },
    ...Object.entries(roleRules).map(([role, patterns]) => ({
      files: [`${dir}/**/*.${role}.ts`],
      ignores: outside,
      patterns,
    })),
    // A unit test may arrange its order through other modules' rules; what it tests may not depend on them.
    { files: [`${dir}/**/*.test.ts`], ignores: outside, patterns: [], arranges: true },
  ].map(({ files, ignores, patterns, arranges = false }) => ({
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [outerLayers, ...(arranges ? [] : [boundary]), ...patterns] },
      ],
    },
  })),
)

const pureClock = 'Pure rules read no clock: take the time as an argument (RuleContext.now, from the Clock).'
const pureRandom = 'Pure rules draw no randomness: take ids and random values as arguments.'

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'dist.*/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js', 'scripts/*.js'] },
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/require-await': 'off', // Fastify plugins and hooks are async by contract
      // Rest siblings: `const { secret, ...rest } = x` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test'] },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Only TypeScript sources are parsed for the import graph; packages resolve to .js and are skipped.
      'import-x/extensions': ['.ts'],
      'import-x/resolver-next': [createNodeResolver()],
    },
    rules: {
      // import-x skips `import type` edges, which suits us: verbatimModuleSyntax erases them, so they cannot
      // change the order modules run in, and the layering rules above already count them.
      'import-x/no-cycle': 'error',
    },
  },
  ...moduleImportRules,
  {
    files: ['src/modules/**/*.ts'],
    ignores: roleFiles,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: pureClock,
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: pureClock },
        { selector: "CallExpression[callee.name='Date']", message: pureClock },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: pureRandom,
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pure rules read no process state: take configuration as an argument.' },
        { name: 'performance', message: pureClock },
        { name: 'crypto', message: pureRandom },
        ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({ name, message: pureClock })),
        { name: 'fetch', message: 'Pure rules do no I/O: a service fetches and passes the result in.' },
      ],
    },
  },
  {
    files: ['src/deps.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**'],
              message:
                'deps.ts is what every module receives, so it imports no module: put shared types in platform/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/modules/**'], message: 'platform/ is feature-free: it imports no module.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/config.ts', 'src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' },
      ],
    },
  },
)
