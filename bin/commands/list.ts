import type { Command } from "commander";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { loadScenarioFile } from "../../scenarios/schema/load.js";
import { SHIPPED_SCENARIOS_DIR } from "../paths.js";

export function shippedScenarioFiles(): string[] {
  return readdirSync(SHIPPED_SCENARIOS_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => join(SHIPPED_SCENARIOS_DIR, name));
}

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the shipped scenarios with a one-line description each")
    .action(() => {
      for (const file of shippedScenarioFiles()) {
        const scenario = loadScenarioFile(file, { overrides: [] });
        // The file's name, which `cofwsim run <name>` takes (scenarioPathFor), even where the scenario calls itself otherwise.
        process.stdout.write(`${basename(file, ".yaml").padEnd(28)} ${scenario.description}\n`);
      }
      process.stdout.write(`\n(in ${SHIPPED_SCENARIOS_DIR}; run one by name: cofwsim run <name>)\n`);
    });
}
