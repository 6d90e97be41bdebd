import type { Command } from "commander";
import { join } from "node:path";
import { shippedScenarioNames, SHIPPED_SCENARIOS_DIR } from "../paths.js";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the shipped scenarios with a one-line description each")
    .action(async () => {
      // Loaded when the command runs, not with the command line (see bin/cli.ts).
      const { loadScenarioFile } = await import("../../scenarios/schema/load.js");
      for (const name of shippedScenarioNames()) {
        const scenario = loadScenarioFile(join(SHIPPED_SCENARIOS_DIR, `${name}.yaml`), { overrides: [] });
        // The file's name, which `cofwsim run <name>` takes (scenarioPathFor), even where the scenario calls itself otherwise.
        process.stdout.write(`${name.padEnd(28)} ${scenario.description}\n`);
      }
      process.stdout.write(`\n(in ${SHIPPED_SCENARIOS_DIR}; run one by name: cofwsim run <name>)\n`);
    });
}
