// Layer rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser) instead of by review.
// Dependencies point down:
//   extension.ts -> features -> commands -> views/player -> rpc/api -> generation -> archive, sync, story, script -> engines
//   -> history -> effects -> store/audio -> format (pure helpers every layer may use)
// A module may import its own folder and any folder below its layer, never one above it.

/** Top-level folders of src/, highest layer first. Folders in one entry share a layer. */
const layers = [
  ['features'],
  ['commands'],
  ['views', 'player', 'story-editor'],
  ['rpc', 'api'],
  ['generation'],
  ['archive', 'sync', 'story', 'script'],
  ['engines'],
  ['history'],
  ['effects'],
  ['store', 'audio'],
  ['format'],
];

const folder = (names) => `^src/(${names.join('|')})/`;

/** One rule per layer: nothing in it imports a layer above it (or a sibling folder in the same layer). */
const layerRules = layers.flatMap((names, rank) => {
  const above = layers.slice(0, rank).flat();
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `layer-${names.join('-')}`,
      comment: `${names.join(', ')} must not import a layer above it (${above.join(', ')}); pass what it needs in instead.`,
      severity: 'error',
      from: { path: folder(names) },
      to: { path: [folder(above), '^src/extension\\.ts$'] },
    });
  }
  for (const name of names) {
    const siblings = names.filter((n) => n !== name);
    if (siblings.length === 0) continue;
    rules.push({
      name: `layer-${name}-siblings`,
      comment: `${name} and ${siblings.join(', ')} are one layer: they do not import each other.`,
      severity: 'error',
      from: { path: folder([name]) },
      to: { path: folder(siblings) },
    });
  }
  return rules;
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'views-not-to-commands',
      comment: 'views/ never imports commands/ (or features/): a feature module wires a command to its view.',
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: '^src/(commands|features)/' },
    },
    {
      name: 'no-vscode-below-ui',
      comment: 'Only extension.ts, features/, commands/, views/ and player/ touch the VS Code API; the core runs in plain Node.',
      severity: 'error',
      from: { path: '^src/(store|history|effects|archive|engines|generation|sync|story|script|audio|format|rpc|api)/' },
      to: { path: '(^|/)node_modules/@types/vscode/|^vscode$' },
    },
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'No import cycles: a cycle means two modules are one concept or a shared leaf is missing.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'webview-imports-host-leaves-only',
      comment: 'The webview bundle imports the router type, the wire protocol and pure format helpers, nothing that runs on the host.',
      severity: 'error',
      from: { path: '^webview-ui/' },
      to: {
        path: '^src/',
        pathNot: ['^src/(rpc|format)/', '^src/player/router\\.ts$', '^src/story-editor/(router|story-view|procedures)\\.ts$'],
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
