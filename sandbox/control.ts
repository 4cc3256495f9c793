/**
 * The daemon's control endpoint: a token-protected HTTP server on 127.0.0.1 through which `gitops-sandbox
 * fault`, `status` and `down` reach a running sandbox. Only the CLI talks to it; the suite never does.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertFaultName, parseFault, type FaultName, type Faults, type FaultSetting } from './faults/faults.ts';
import { assertFaultsSupported, type Profile, type RegistryKind } from './options.ts';
import { listenOnLoopback } from './loopback-server.ts';
import { faultSpecs } from './state.ts';

export interface ControlHandlers {
  faults: Faults;
  /** The sandbox's registry kind: knobs it cannot honour are refused (400). Embedded when not given. */
  registry?: RegistryKind;
  /** The sandbox's profile: `arc-agent-down` is refused without Azure Arc's agents. */
  profile?: Profile;
  /** Asked to stop: the daemon stops the sandbox and exits. */
  onStop: () => void;
}

/** Body of POST /faults: set knobs (`NAME[=VALUE]`) and/or clear one (`name`) or all (`true`). */
export interface FaultRequest {
  set?: string[];
  clear?: string | boolean;
}

export class ControlServer {
  readonly token = randomBytes(18).toString('base64url');
  readonly #handlers: ControlHandlers;
  #server?: Server;

  constructor(handlers: ControlHandlers) {
    this.#handlers = handlers;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('control server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: Error) => reply(res, 500, { error: err.message }));
    });
    await listenOnLoopback(this.#server);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${this.token}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply(res, 401, { error: 'unauthorized' });
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /faults')
      return reply(res, 200, {
        faults: faultSpecs([...this.#handlers.faults.list(), ...this.#handlers.faults.armed()]),
      });
    if (route === 'POST /faults') {
      const body = JSON.parse((await readBody(req)) || '{}') as FaultRequest;
      // Validate everything before changing anything: a bad knob changes nothing.
      let parsed: FaultSetting[];
      let clearName: FaultName | undefined;
      try {
        parsed = (body.set ?? []).map((spec) => parseFault(spec));
        assertFaultsSupported(this.#handlers.registry ?? 'embedded', parsed, this.#handlers.profile);
        if (typeof body.clear === 'string') clearName = assertFaultName(body.clear);
      } catch (err) {
        return reply(res, 400, { error: (err as Error).message });
      }
      if (body.clear === true) this.#handlers.faults.clear();
      else if (clearName) this.#handlers.faults.clear(clearName);
      for (const setting of parsed) this.#handlers.faults.set(setting);
      return reply(res, 200, {
        faults: faultSpecs([...this.#handlers.faults.list(), ...this.#handlers.faults.armed()]),
      });
    }
    if (route === 'POST /stop') {
      reply(res, 202, { stopping: true });
      this.#handlers.onStop();
      return;
    }
    reply(res, 404, { error: `no route ${route}` });
  }
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
