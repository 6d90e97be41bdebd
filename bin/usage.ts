import { InvalidArgumentError, type Command, type CommanderError, type Option } from "commander";
import type { EventEmitter } from "node:events";
import { suggestKey } from "../scenarios/schema/problems.js";

/**
 * Bad usage of the command line itself (an unknown command or option, a
 * missing or extra argument, an option given twice): exit 2, said as every
 * other refusal is, with what was given and what was expected. commander's
 * own messages name the culprit but not what would have been right. The
 * message starts with the command as called ("cofwsim run: ...").
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** "cofwsim" or "cofwsim run": how the user calls the command. */
function callOf(command: Command): string {
  return command.parent === null ? command.name() : `${callOf(command.parent)} ${command.name()}`;
}

function commandNames(program: Command): string {
  return program.commands.map((command) => command.name()).join(", ");
}

/** Every option the command takes, --help and (on the program) --version included. */
function optionFlags(command: Command): string[] {
  return [...command.options.flatMap((option) => [option.long, option.short]).filter((flag): flag is string => flag !== undefined), "--help"];
}

function describeOption(option: Option): string {
  return `${option.flags}: ${option.description}`;
}

/** The one-paragraph message for an error commander raised while parsing `command`'s part of the command line. */
export function explainUsage(command: Command, error: CommanderError): UsageError {
  // commander puts its "(Did you mean ...?)" on a line of its own: one paragraph says it all.
  const said = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
  const call = callOf(command);
  switch (error.code) {
    case "commander.unknownCommand":
      return new UsageError(`${call}: ${said}; expected one of the commands ${commandNames(command)} (${call} --help)`);
    case "commander.unknownOption":
      return new UsageError(`${call}: ${said}; expected one of its options ${optionFlags(command).join(", ")} (${call} --help)`);
    case "commander.missingArgument": {
      const argument = command.registeredArguments.find((a) => said.includes(`'${a.name()}'`));
      return new UsageError(`${call}: ${said}; expected <${argument?.name() ?? "argument"}>${argument === undefined ? "" : `: ${argument.description}`}; found nothing`);
    }
    case "commander.optionMissingArgument":
    case "commander.missingMandatoryOptionValue": {
      const option = command.options.find((o) => said.includes(`'${o.flags}'`));
      return new UsageError(`${call}: ${said}; expected ${option === undefined ? "a value" : describeOption(option)}; found nothing`);
    }
    case "commander.excessArguments": {
      const takes = command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
      const extra = command.args.slice(takes.length).map((a) => JSON.stringify(a));
      return new UsageError(`${call}: too many arguments; expected ${takes.length === 0 ? "none" : takes.join(" ")}, found ${extra.length === 0 ? "more" : `the extra ${extra.join(" ")}`} (${call} --help)`);
    }
    default:
      // An option's own parser said what it expected (commander.invalidArgument), or a check below did.
      return new UsageError(`${call}: ${said}`);
  }
}

/** Does `text`, given as an option's value, name an option of `command` (`--out`, `--out=x`, `-h`)? */
function isOptionOf(command: Command, text: string): boolean {
  const flag = text.split("=")[0]!;
  return flag.startsWith("-") && optionFlags(command).includes(flag);
}

/**
 * Refuses, at parse time, two misuses commander lets through without a word:
 * an option that takes one value given twice (the last would win and the
 * first be dropped: `--seed 1 --seed 2`), and an option whose value is left
 * out so the next option is read as it (`--replay --out x` replayed a state
 * named "--out" and read x as the scenario). Options whose default is a list
 * (--set, --vary) collect every value and may repeat.
 */
export function refuseMisreadOptions(command: Command): void {
  const given = new Set<string>();
  for (const option of command.options) {
    if (!option.required && !option.optional) continue;
    const repeatable = Array.isArray(option.defaultValue);
    const refuse = (message: string): never => command.error(message, { code: "cofwsim.usage", exitCode: 2 });
    // Before commander's own listener: its parser would refuse "--out" as a value with a message about the value, not the slip.
    (command as unknown as EventEmitter).prependListener(`option:${option.name()}`, (value: unknown) => {
      if (typeof value === "string" && isOptionOf(command, value)) {
        refuse(`option '${option.flags}' is followed by the option ${value} where its value should be; expected ${describeOption(option)}; found ${value}`);
      }
      if (!repeatable && given.has(option.name())) {
        refuse(`option '${option.flags}' is given twice; expected it once (only the last value would be used), found a second ${option.long ?? option.flags} ${JSON.stringify(value)}`);
      }
      given.add(option.name());
    });
  }
}

/** The help command, in place of commander's, which shows the general help for a command it does not know and exits 2 without naming it. */
export function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command("help")
    .description("display help for a command")
    .argument("[command]", "the command to describe (default: all of them)")
    .action((name: string | undefined) => {
      if (name === undefined) program.help();
      const command = program.commands.find((c) => c.name() === name);
      if (command !== undefined) command.help();
      const suggestion = suggestKey(name!, program.commands.map((c) => c.name()));
      throw new UsageError(`cofwsim: unknown command '${name!}'${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}; expected one of the commands ${commandNames(program)} (cofwsim help <command>)`);
    });
}

/**
 * Refuses an empty path given for a file or directory to read: resolved, it
 * would be the working directory, and the refusal would name that instead of
 * what was typed (`cofwsim merge ""` looked for ./sweep.json).
 */
export function nonEmptyPath(value: string, what: string, expected: string): string {
  if (value.trim() === "") throw new UsageError(`cofwsim: ${what} is an empty path; expected ${expected}, found ${JSON.stringify(value)}`);
  return value;
}

/** Why the program alone (no command) is bad usage: said after its help, which commander writes to stderr. */
export function noCommandMessage(program: Command): string {
  return `cofwsim: no command given; expected one of the commands ${commandNames(program)} (cofwsim help <command>)`;
}

/**
 * An option's parser for a decimal whole number of at least `least`: Number()
 * alone would take "", "0x10" and "1e3", and past 2^53 the number read is not
 * the one written ("99999999999999999999" was taken as 1e20 worker threads).
 * commander's message names the option and the value ("option '--budget
 * <states>' argument '0' is invalid."); this says what was expected.
 */
export function wholeNumberOption(least: number): (value: string) => number {
  return (value) => {
    const digits = /^\s*\d+\s*$/.test(value);
    const n = digits ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < least) throw new InvalidArgumentError(`expected a whole number of at least ${least}${digits && !Number.isSafeInteger(n) ? ` and at most ${Number.MAX_SAFE_INTEGER}` : ""}`);
    return n;
  };
}
