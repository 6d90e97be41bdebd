import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

/** A static import or re-export of built JavaScript: `import ... from "x"`, `export ... from "x"`, `import "x"`. Not `import("x")`, which loads when it runs. */
const STATIC_IMPORT = /^\s*(?:import|export)\b[^;()]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

/** What loading one built module loads with it: the local modules (relative to `root`) and the packages (each with the first module that imports it). */
export interface StaticClosure {
  readonly modules: ReadonlySet<string>;
  readonly packages: ReadonlyMap<string, string>;
}

/** The modules a built module (`entry`, relative to `root`, e.g. "bin/cli.js") loads before any of its code runs. */
export function staticClosure(root: string, entry: string): StaticClosure {
  const modules = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    const name = relative(root, file);
    if (modules.has(name)) return;
    modules.add(name);
    for (const match of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const specifier = match[1] ?? match[2] ?? "";
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:") && !packages.has(specifier)) packages.set(specifier, name);
    }
  };
  visit(resolve(root, entry));
  return { modules, packages };
}
