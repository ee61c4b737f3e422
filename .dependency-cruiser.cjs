/**
 * The layer rules of docs/architecture.md, checked by a tool in CI (`npm run lint`).
 * Data flows one way: trigger (functions/, orchestrations/) → use case (shared/app) →
 * domain (shared/domain) → ports (shared/ports) ← adapters (shared/adapters), wired only
 * by the composition root (shared/composition/). A feature folder (shared/escalation/) has the
 * same layers inside it: its domain/ is domain, its app/ is use cases.
 */
const DOMAIN = '^shared/(escalation/)?domain/';
const APP = '^shared/(escalation/)?app/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'shared/domain (and a feature folder domain/) imports nothing outside the domain but a few pure libraries (zod, luxon).',
      severity: 'error',
      from: { path: DOMAIN },
      to: {
        pathNot: [DOMAIN, '^node_modules/(zod|luxon)/'],
      },
    },
    {
      name: 'app-never-imports-adapters-or-composition',
      comment: 'Use cases receive ports as arguments; only the composition root wires adapters.',
      severity: 'error',
      from: { path: APP },
      to: { path: ['^shared/adapters/', '^shared/composition/', '^shared/config\\.ts$'] },
    },
    {
      name: 'rendering-is-pure-and-below-app',
      comment:
        'shared/rendering writes domain values out (agenda text/Markdown/HTML, the one escapeHtml): it imports only itself, the domain and zod/luxon; the domain never imports it (domain-is-pure).',
      severity: 'error',
      from: { path: '^shared/rendering/' },
      to: { pathNot: ['^shared/rendering/', DOMAIN, '^node_modules/(zod|luxon)/'] },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'Ports depend on the domain only.',
      severity: 'error',
      from: { path: '^shared/ports/' },
      to: { path: [APP, '^shared/(adapters|http)/', '^shared/composition/'] },
    },
    {
      name: 'shared-never-reaches-up',
      comment: 'shared/ knows nothing of the triggers or the local runtime.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|orchestrations|local)/' },
    },
    {
      name: 'orchestrators-only-domain-and-names',
      comment: 'Orchestrators are deterministic: they reach I/O only through activities (docs/architecture.md).',
      severity: 'error',
      from: { path: '^orchestrations/.*\\.orchestrator\\.ts$' },
      to: { pathNot: ['^orchestrations/', DOMAIN, '^node_modules/(durable-functions|zod)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'local-runtime-knows-the-app-by-registrations',
      comment: 'The local runtime hosts the app as Azure does: through its registrations, not its modules.',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(functions|orchestrations)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      // A type-only cycle (golive.ts ↔ schedule.ts share types) vanishes at run time.
      // A module loaded with import() inside a function (after both have loaded) is no load-order cycle.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules|test|bench)/' },
  },
};
