/**
 * The real helm binary (pinned Helm 4) for what Flux does with the Helm SDK: `helm package` for
 * HelmCharts built from a source, `helm template` to render releases. Caches and config stay in the
 * sandbox state dir so nothing touches the user's ~/.config/helm.
 */
import { execa } from 'execa';
import type { FluxTools } from './context.ts';

/** Runs helm subcommands; throws an Error carrying helm's own `Error: …` line. */
export class HelmCli {
  readonly #tools: FluxTools;

  constructor(tools: FluxTools) {
    this.#tools = tools;
  }

  /** Packages a chart directory into `destination`; returns the path helm printed. */
  async package(chartDir: string, destination: string, version?: string): Promise<string> {
    const args = ['package', chartDir, '--destination', destination, ...(version ? ['--version', version] : [])];
    const out = await this.#run(args);
    const m = /saved it to: (.+)$/m.exec(out);
    if (!m) throw new Error(`unexpected helm package output: ${out.trim()}`);
    return m[1]!.trim();
  }

  /** Renders a chart (dir or .tgz) like `helm template`: the manifest text, with `# Source:` comments. */
  async template(
    releaseName: string,
    chart: string,
    namespace: string,
    valuesFile: string,
    options: { kubeVersion?: string } = {},
  ): Promise<string> {
    const args = ['template', releaseName, chart, '--namespace', namespace, '-f', valuesFile, '--include-crds'];
    if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
    return this.#run(args);
  }

  async #run(args: string[]): Promise<string> {
    const result = await execa(this.#tools.helm, args, {
      env: this.#tools.helmEnv,
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    if (result.exitCode !== 0) {
      const line =
        result.stderr
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .pop() ?? `helm ${args[0]} failed`;
      throw new Error(line.replace(/^Error:\s*/, ''));
    }
    return result.stdout;
  }
}
