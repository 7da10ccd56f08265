// ESLint flat config (Next 16 has no `next lint`: `npm run lint` runs the eslint CLI).
// - every .ts/.tsx/.mjs file: @eslint/js recommended + typescript-eslint recommended;
// - app/ (and proxy.ts, next.config.ts): Next's own config (eslint-config-next/core-web-vitals:
//   @next/next, react, react-hooks, jsx-a11y), with the TypeScript parser kept;
// - a few rules that hold conventions the code already follows (zero or near-zero hits when added);
// - eslint-config-prettier last: formatting belongs to prettier (`npm run format:check`).
import js from "@eslint/js";
import nextVitals from "eslint-config-next/core-web-vitals";
import prettier from "eslint-config-prettier/flat";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

const nextFiles = ["app/**/*.{ts,tsx}", "proxy.ts", "next.config.ts"];

export default defineConfig([
  globalIgnores([
    ".next/**",
    ".data/**",
    ".tmp/**",
    ".stryker-tmp/**",
    "reports/**",
    "test-results/**",
    "coverage/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    "emulators/shopify/schema/**",
  ]),
  {
    files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs}"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_name` marks a parameter a signature needs (server actions' previous state) or a field
      // dropped by destructuring (`{ pending: _pending, ...rest }`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "smart"],
      "object-shorthand": "error",
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", __dirname: "readonly" } },
  },
  // Runtime code logs through lib/log.ts (structured lines); scripts and tests print to the console.
  {
    files: ["app/**", "lib/**", "workers/**", "emulators/**", "proxy.ts"],
    ignores: ["lib/log.ts"],
    rules: { "no-console": "error" },
  },
  // Next's config, limited to the Next app. Its Babel parser is dropped so the TypeScript parser stays.
  ...nextVitals
    .filter((config) => !config.ignores || Object.keys(config).length > 1)
    .map(({ languageOptions, ...config }) => ({
      ...config,
      files: nextFiles,
      ...(languageOptions ? { languageOptions: { ...languageOptions, parser: tseslint.parser, parserOptions: { sourceType: "module" } } } : {}),
    })),
  {
    files: nextFiles,
    rules: {
      // Next's setting also maps `Image` to next/image; here `Image` is @shopify/hydrogen-react's,
      // which takes its alt text from `data.altText`. Plain <img> elements are still checked.
      "jsx-a11y/alt-text": ["warn", { elements: ["img"] }],
    },
  },
  prettier,
]);
