// The one shape every library package manifest has. `check-manifests.mjs` compares each package
// against it; `pnpm test` runs that check, so a package that drifts fails CI.
export const LIBRARY_PACKAGES_DIR = "packages";

export const template = {
  version: "0.1.0",
  license: "MIT",
  type: "module",
  sideEffects: false,
  engines: { node: ">=20" },
  files: ["dist", "!dist/**/*.test.*", "README.md"],
  main: "./dist/cjs/index.js",
  module: "./dist/esm/index.js",
  types: "./dist/esm/index.d.ts",
  exports: {
    ".": {
      import: { types: "./dist/esm/index.d.ts", default: "./dist/esm/index.js" },
      require: { types: "./dist/cjs/index.d.ts", default: "./dist/cjs/index.js" },
    },
    "./package.json": "./package.json",
  },
  scripts: {
    build: "rm -rf dist dist-test && tsc -p tsconfig.json && tsc -p tsconfig.cjs.json && cp ../../cjs-package.json dist/cjs/package.json",
    test: "node ../../scripts/run-tests.mjs",
  },
  peerDependencies: { "@opentelemetry/api": "^1.9.0" },
};

/** A package with tests in `test/` compiles them last, against its own built `dist` (into `dist-test`, never packed). */
export const TEST_BUILD_STEP = " && tsc -p test/tsconfig.json";
