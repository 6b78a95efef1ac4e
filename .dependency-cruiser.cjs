// The direction of dependencies, checked by `npm run check` (dependency-cruiser):
//   src/entry → src/app → src/web and feature routes → feature verbs → ports, db, mail, domain, lib
// Adapters implement ports and import no feature; pages live only in src/web; templates render data and
// import no feature or page; no cycles between feature folders.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'features-stay-below-the-app',
      comment: 'A feature never reaches up into pages, middleware, the app or an entry point.',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: '^src/(web|middleware|entry|adapters)/|^src/(app|cli)\\.tsx?$' },
    },
    {
      name: 'no-cycles-between-features',
      comment: 'Feature folders depend on each other in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/features/[^/]+' },
      to: { path: '^src/features/[^/]+', circular: true, viaOnly: { path: '^src/features/[^/]+' } },
    },
    {
      name: 'adapters-implement-ports',
      comment: 'An adapter knows its port and the shared libraries, never a feature, page or entry.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(features|web|middleware|entry)/|^src/(app|cli)\\.tsx?$|^templates/' },
    },
    {
      name: 'pages-do-not-query',
      comment: 'Pages render what feature verbs return: no drizzle queries or db handles in src/web.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/db/(client|transition|limits)\\.ts$|^node_modules/drizzle-orm' },
    },
    {
      name: 'pages-are-not-in-features',
      comment: 'Page components (.tsx) live in src/web; features return data.',
      severity: 'error',
      from: { path: '^src/features/.+\\.tsx$' },
      to: {},
    },
    {
      name: 'web-stays-below-the-app',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(entry|adapters)/|^src/(app|cli)\\.tsx?$|^templates/' },
    },
    {
      name: 'shared-layers-stay-low',
      comment: 'domain, lib, ports, mail and db know nothing above them.',
      severity: 'error',
      from: { path: '^src/(domain|lib|ports|mail|db)/' },
      to: { path: '^src/(features|web|middleware|entry|adapters)/|^src/(app|cli)\\.tsx?$|^templates/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'The rules in src/domain depend on nothing but each other.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)', pathNot: '^src/domain/' },
    },
    {
      name: 'templates-render-only',
      comment: 'E-mail templates use the shared rules and mail helpers, never a feature or page.',
      severity: 'error',
      from: { path: '^templates/' },
      to: { path: '^src/(features|web|middleware|entry|adapters|db)/|^src/(app|cli)\\.tsx?$' },
    },
    {
      name: 'runtime-code-stays-in-entries',
      comment: 'Only entry points and adapters may use Node built-ins.',
      severity: 'error',
      from: { path: '^(src|templates)/', pathNot: '^src/(entry|adapters)/|^src/cli\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular-modules',
      severity: 'error',
      from: { path: '^(src|templates)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench|scripts|drizzle|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
  },
};
