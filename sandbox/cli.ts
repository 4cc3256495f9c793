/**
 * `gitops-sandbox`: start, inspect, break and stop local sandbox twins.
 *
 *   gitops-sandbox up --state-dir DIR [--flux 2.9|2.6] [--profile flux|arc] [--registry embedded|distribution]
 *                     [--registry-alias HOST]… [--fault NAME[=VALUE]]… [--time-scale N] [--repo DIR]
 *                     [--publish REPO:TAG]… [--bootstrap] [--json]
 *   gitops-sandbox status --state-dir DIR [--json]
 *   gitops-sandbox fault --state-dir DIR NAME[=VALUE]… | --clear [NAME]
 *   gitops-sandbox down --state-dir DIR
 */
import { Command, Option } from 'commander';
import { FAULTS } from './faults/faults.ts';
import { down, fault, status, up } from './lifecycle.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const stateDirOption = () => new Option('--state-dir <dir>', 'directory holding the sandbox state').default('.sandbox');

/** Usage errors (unknown flag, missing value) as one line: the problem, commander's suggestion, where help is. */
const oneLine = (text: string) =>
  `gitops-sandbox: ${text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^error: /, '')} (gitops-sandbox help [command] lists the options)\n`;

const program = new Command('gitops-sandbox')
  .description('Local twin of a one-GPU Kubernetes cluster running Flux, with a git server and an OCI registry')
  .configureOutput({ outputError: (text, write) => write(oneLine(text)) });

program
  .command('up')
  .description('start a sandbox in the background and print its endpoints')
  .addOption(stateDirOption())
  .option('--flux <line>', 'Flux API line to serve: 2.9 or 2.6', '2.9')
  .option('--profile <profile>', 'flux, or arc (adds fluxconfig-* controllers and azure-arc agents)', 'flux')
  .option('--registry <kind>', 'embedded, or distribution (Debian docker-registry)', 'embedded')
  .option('--registry-alias <host>', 'image references to HOST resolve to the sandbox registry (repeatable)', collect)
  .option(
    '--fault <name[=value][@trigger]>',
    `fault knob (repeatable): ${Object.keys(FAULTS).join(', ')}; @oci-push or @git-push arms it for that moment`,
    collect,
  )
  .option('--time-scale <n>', 'real ms per cluster ms for intervals and back-offs (0.1 = 10x faster)')
  .option('--repo <dir>', 'seed the GitOps repo from this git repository instead of the built-in template')
  .option('--publish <repo:tag>', 'publish another model artifact at start (repeatable)', collect)
  .option('--bootstrap', 'run the repo bootstrap (scripts/gitops-config.sh) once up')
  .option(
    '--requeue-dependency <duration>',
    "kustomize-controller's --requeue-dependency in the installed Flux (upstream default 30s)",
    '1s',
  )
  .option('--json', 'print only the JSON description')
  .action(async (flags) => up(flags));

program
  .command('status')
  .description('show whether the sandbox runs, and its endpoints')
  .addOption(stateDirOption())
  .option('--json', 'print JSON')
  .action(async (flags) => status(flags));

program
  .command('fault')
  .description('set fault knobs on a running sandbox, or clear them')
  .addOption(stateDirOption())
  .argument('[faults...]', 'NAME[=VALUE][@oci-push|@git-push] knobs to set (with @TRIGGER: armed until that moment)')
  .option('--clear [name]', 'clear one fault, or all when no name is given')
  .action(async (specs: string[], flags) => fault(specs, flags));

program
  .command('down')
  .description('stop the sandbox and remove what it started')
  .addOption(stateDirOption())
  .option('--keep', 'keep the state directory (for post-mortems)')
  .action(async (flags) => down(flags));

program.parseAsync().catch((err: Error) => {
  console.error(`gitops-sandbox: ${err.message}`);
  process.exit(1);
});
