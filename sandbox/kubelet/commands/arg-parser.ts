/**
 * GNU-style option parsing for the emulated commands: bundled short flags (`-la`), short options with values
 * (`-n 5`, `-n5`), long options (`--all`, `--lines=5`), options after operands (GNU permutes), `--` to stop.
 */

/** What a command accepts. */
export interface ArgSpec {
  /** Short boolean flags, e.g. `'laAhR1'`. */
  flags?: string;
  /** Short options that take a value, e.g. `'n'`. */
  valued?: string;
  /**
   * Long options: name → the short letter it stands for (boolean or valued as the letter says), or a key of
   * its own. A key starting with `?` is accepted and ignored (e.g. `--color[=WHEN]`).
   */
  long?: Record<string, string>;
  /** Long options with a value and no short letter (`--max-depth=N`): name → key. */
  longValued?: Record<string, string>;
  /** Stop option parsing at the first operand (POSIX order: `sh -c`, `env`, `find`-like commands). */
  stopAtOperand?: boolean;
}

/** Parsed arguments: flags seen, option values (last wins, all kept), operands in order. */
export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string[]>;
  operands: string[];
}

/** The parsed arguments, or the usage error text coreutils prints (two lines, newline-terminated). */
export function parseArgs(command: string, args: string[], spec: ArgSpec): ParsedArgs | { error: string } {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const addValue = (key: string, value: string) => values.set(key, [...(values.get(key) ?? []), value]);
  const tryHelp = `Try '${command} --help' for more information.\n`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = splitOnce(arg.slice(2), '=');
      const key = spec.long?.[name];
      const valuedKey = spec.longValued?.[name];
      if (valuedKey !== undefined || (key !== undefined && spec.valued?.includes(key))) {
        const value = inline ?? args[++i];
        if (value === undefined) return { error: `${command}: option '--${name}' requires an argument\n${tryHelp}` };
        addValue(valuedKey ?? (key as string), value);
      } else if (key !== undefined) {
        if (!key.startsWith('?')) flags.add(key);
      } else {
        return { error: `${command}: unrecognized option '${arg}'\n${tryHelp}` };
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        if (spec.valued?.includes(letter)) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (value === undefined) return { error: `${command}: option requires an argument -- '${letter}'\n${tryHelp}` };
          addValue(letter, value);
          break;
        }
        if (!spec.flags?.includes(letter)) return { error: `${command}: invalid option -- '${letter}'\n${tryHelp}` };
        flags.add(letter);
      }
      continue;
    }
    operands.push(arg);
    if (spec.stopAtOperand) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return { flags, values, operands };
}

/** The last value given for an option. */
export function lastValue(parsed: ParsedArgs, key: string): string | undefined {
  const all = parsed.values.get(key);
  return all?.[all.length - 1];
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
