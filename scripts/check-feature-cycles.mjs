// Fails when feature folders depend on each other in a cycle (features/a → features/b → features/a, through
// any of their files). dependency-cruiser resolves the imports; its own folder-scope rule also counts the
// parent folders (src, which holds the app) and so cannot tell a feature cycle from the layering itself.
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const featureOf = (path) => /^src\/features\/([^/]+)\//.exec(path)?.[1];

const result = await cruise(
  ['src/features'],
  { includeOnly: '^src/features/', tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' } },
  { extensions: ['.ts', '.tsx', '.js'] },
  { tsConfig: extractTSConfig('tsconfig.json') },
);

/** feature → the features it imports from, with one example import for each edge. */
const edges = new Map();
for (const module of result.output.modules) {
  const from = featureOf(module.source);
  if (!from) continue;
  for (const dependency of module.dependencies) {
    const to = featureOf(dependency.resolved);
    if (!to || to === from) continue;
    const out = edges.get(from) ?? new Map();
    if (!out.has(to)) out.set(to, `${module.source} → ${dependency.resolved}`);
    edges.set(from, out);
  }
}

// Tarjan's strongly connected components: every component of more than one feature is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      visit(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const feature of edges.keys()) if (!state.has(feature)) visit(feature);

if (cycles.length === 0) {
  console.log(`✔ no cycles between feature folders (${edges.size} features)`);
} else {
  for (const component of cycles) {
    console.error(`✖ feature folders in a cycle: ${component.join(', ')}`);
    for (const from of component)
      for (const [to, example] of edges.get(from) ?? [])
        if (component.includes(to)) console.error(`    ${from} → ${to}   e.g. ${example}`);
  }
  process.exit(1);
}
