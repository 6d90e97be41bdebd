import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "out/**", "coverage/**", ".stryker-tmp/**", "reports-mutation/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      // Coroutines (engine operations) may finish without yielding, e.g. a policy hook with nothing to do.
      "require-yield": "off",
      "no-console": "off",
    },
  },
  {
    // Determinism promise: simulated code never reads the wall clock or unseeded randomness.
    files: ["sim/**/*.ts", "engine/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", "setTimeout", "setInterval", "setImmediate", "performance"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Use a seeded stream from sim/rng." },
        { object: "Date", property: "now", message: "Simulated code uses the kernel clock." },
        { object: "process", property: "hrtime", message: "Simulated code uses the kernel clock." },
      ],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date']", message: "No wall clock in simulated code." }],
    },
  },
);
