/**
 * GNU-style option parsing for the emulated commands: bundled short flags (`-la`), long options (`--all`), options
 * after operands (GNU permutes), `--` to stop. No command of the set takes an option with a value.
 */

/** What a command accepts. */
export interface ArgSpec {
  /** Short boolean flags, e.g. `'laAhR1'`. */
  flags?: string;
  /**
   * Long options: name → the short letter it stands for. A value starting with `?` is accepted and ignored
   * (e.g. `--color[=WHEN]`).
   */
  long?: Record<string, string>;
}

/** Parsed arguments: flags seen, operands in order. */
export interface ParsedArgs {
  flags: Set<string>;
  operands: string[];
}

/** The parsed arguments, or the usage error text coreutils prints (two lines, newline-terminated). */
export function parseArgs(command: string, args: string[], spec: ArgSpec): ParsedArgs | { error: string } {
  const flags = new Set<string>();
  const operands: string[] = [];
  const tryHelp = `Try '${command} --help' for more information.\n`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const key = spec.long?.[arg.slice(2).split('=')[0]];
      if (key === undefined) return { error: `${command}: unrecognized option '${arg}'\n${tryHelp}` };
      if (!key.startsWith('?')) flags.add(key);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (const letter of arg.slice(1)) {
        if (!spec.flags?.includes(letter)) return { error: `${command}: invalid option -- '${letter}'\n${tryHelp}` };
        flags.add(letter);
      }
      continue;
    }
    operands.push(arg);
  }
  return { flags, operands };
}
