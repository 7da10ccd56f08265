// Layer rules (`npm run check:layers`, also run by `npm test`). Paths are relative to the
// repository root; `@/` resolves through tsconfig.json, and type-only imports count.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "lib-is-the-core",
      comment: "lib/ is the pure core: it imports nothing from the app, workers, scripts, emulators, tests or harness.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|workers|scripts|emulators|tests|harness)/" },
    },
    {
      name: "emulators-not-to-scripts-or-tests",
      comment: "Emulators stand alone; code they share with scripts or tests belongs in harness/ (or lib/).",
      severity: "error",
      from: { path: "^emulators/" },
      to: { path: "^(scripts|tests)/" },
    },
    {
      name: "scripts-not-to-tests",
      comment: "Scripts (the stack, benches, the flash sale) do not reach into tests/; shared helpers belong in harness/.",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^tests/" },
    },
    {
      name: "harness-not-to-scripts-or-tests",
      comment: "harness/ is shared by emulators, benches and tests, so it depends on none of them.",
      severity: "error",
      from: { path: "^harness/" },
      to: { path: "^(scripts|tests)/" },
    },
    {
      name: "lib-domain-is-a-leaf",
      comment:
        "lib/domain imports only lib/domain, the pure money module and npm packages, not even Node built-ins (so not lib/config: config may import domain, not the reverse).",
      severity: "error",
      from: { path: "^lib/domain/" },
      to: { pathNot: ["^lib/domain/", "^lib/money\\.ts$", "^node_modules/"] },
    },
    {
      name: "lib-redis-not-to-channels",
      comment: "lib/redis is storage; lib/channels builds on it, never the other way round.",
      severity: "error",
      from: { path: "^lib/redis/" },
      to: { path: "^lib/channels/" },
    },
    {
      name: "no-lib-package-cycles",
      comment: "No cycle between lib/ folders (lib/a imports lib/b which imports lib/a, directly or through others).",
      severity: "error",
      scope: "folder",
      from: { path: "^lib/[^/]+" },
      to: { path: "^lib/[^/]+", circular: true },
    },
    {
      name: "no-circular",
      comment: "No file-level import cycle anywhere, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-unresolvable",
      comment: "An import the cruiser cannot resolve would slip past every rule above (a broken alias, a missing file).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "^node_modules/" },
    exclude: { path: "^(\\.next|\\.data|\\.tmp|\\.stryker-tmp|reports|test-results|coverage|public)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
    },
    skipAnalysisNotInRules: true,
    cache: false,
    reporterOptions: { text: { highlightFocused: false } },
  },
};
