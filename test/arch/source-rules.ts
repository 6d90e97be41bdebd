import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A breach of the determinism or layering promises, with where it is. */
export interface RuleViolation {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly text: string;
}

const WALL_CLOCK_OR_RANDOMNESS: ReadonlyArray<[RegExp, string]> = [
  [/\bMath\.random\b/, "Math.random (use a seeded stream)"],
  [/\bDate\.now\b/, "Date.now (wall clock)"],
  [/\bnew Date\b/, "new Date (wall clock)"],
  [/\bperformance\.now\b/, "performance.now (wall clock)"],
  [/\bprocess\.hrtime\b/, "process.hrtime (wall clock)"],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, "timer (real time)"],
];

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g;

/** Layers each folder may not import. */
const FORBIDDEN_IMPORTS: Record<string, readonly string[]> = {
  engine: ["sim", "scenarios", "reports", "bin"],
  sim: ["engine", "scenarios", "reports", "bin"],
  io: ["sim", "engine", "scenarios", "reports", "bin"],
};

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, " ")).replace(/\/\/.*$/gm, "");
}

/** Checks one file's text; `folder` is its top-level folder ("sim", "engine", ...). */
export function checkSource(folder: string, file: string, source: string): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const lines = stripComments(source).split("\n");
  lines.forEach((text, index) => {
    if (folder === "sim" || folder === "engine") {
      for (const [pattern, rule] of WALL_CLOCK_OR_RANDOMNESS) {
        if (pattern.test(text)) violations.push({ file, line: index + 1, rule, text: text.trim() });
      }
    }
    for (const match of text.matchAll(IMPORT)) {
      const target = match[1] ?? "";
      for (const layer of FORBIDDEN_IMPORTS[folder] ?? []) {
        if (new RegExp(`^(\\.\\./)+${layer}(/|$)`).test(target)) {
          violations.push({ file, line: index + 1, rule: `${folder}/ must not import from ${layer}/`, text: text.trim() });
        }
      }
    }
  });
  return violations;
}

function listTypeScript(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...listTypeScript(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

export function checkTree(root: string, folders: readonly string[]): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const folder of folders) {
    for (const path of listTypeScript(join(root, folder))) {
      violations.push(...checkSource(folder, relative(root, path), readFileSync(path, "utf8")));
    }
  }
  return violations;
}
