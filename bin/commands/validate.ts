import type { Command } from "commander";
import { resolve } from "node:path";
import { loadScenarioFile } from "../../scenarios/schema/load.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file; prints every problem with file, line and column")
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .option("--set <path=value>", "override a field before validating (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .action((file: string, options: { set: string[] }) => {
      const scenario = loadScenarioFile(resolve(file), { overrides: options.set });
      const workloads = scenario.workloads.map((w) => (w.kind === "fio" ? `fio file ${w.path}` : `${w.kind} ${w.name}`)).join(", ");
      process.stdout.write(`${file}: valid. ${scenario.name}: ${scenario.description}\n  seed ${scenario.seed}; ${scenario.engine.commitPolicy}, ${scenario.engine.chunkSizeBytes} B chunks; workloads: ${workloads}\n`);
    });
}
