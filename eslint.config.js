// ESLint: typescript-eslint's type-checked rules for TypeScript, the recommended ones for the few
// plain JavaScript files (child-process runners, the benchmark's baseline), Prettier for layout.
const js = require("@eslint/js");
const prettier = require("eslint-config-prettier");
const globals = require("globals");
const tseslint = require("typescript-eslint");

// The layers of src/, each folder with what it may import besides itself: imports go down only.
// The entry points at src/'s root (index.ts, and provider.ts and group-provider.ts, the serialized
// providers the resource classes pass to Pulumi) may import any layer.
const LAYERS = {
  model: [],
  aws: ["model"],
  declare: ["model", "provider", "group-provider"],
  deploy: ["model", "aws"],
  plugin: ["model", "aws", "deploy"],
  plan: ["model", "aws", "deploy"],
  emulator: [],
};
const ENTRY_POINTS = ["index", "provider", "group-provider"];
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const above = [...Object.keys(LAYERS), ...ENTRY_POINTS].filter((o) => o !== layer && !allowed.includes(o));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${above.join("|")})(/|$)`,
              message: `src/${layer}/ may import only ${[layer, ...allowed].join(", ")} (CONTRIBUTING.md, The layers)`,
            },
          ],
        },
      ],
    },
  };
});

module.exports = tseslint.config(
  { ignores: ["dist/", "build/", "coverage/", "docs/api/", "sdk/"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      // Provider methods and test fakes implement promise-returning interfaces without awaiting.
      "@typescript-eslint/require-await": "off",
      // `import x = require()` is how this package imports a module whose export is one object.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  ...layerRules,
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
  prettier,
);
