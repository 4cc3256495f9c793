/**
 * A minimal CGI/1.1 bridge for Node's HTTP server: runs one CGI program per request, streams the request body
 * to its stdin and its stdout back as the response (the `Status:` header becomes the status code). The git
 * server uses it to put the real `git http-backend` behind an HTTP listener.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** What to run for one request. `env` is the complete environment: nothing is inherited. */
export interface CgiProgram {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** A running CGI request: the child (so a server can kill it on stop) and a promise settled when it is over. */
export interface CgiRun {
  child: ChildProcess;
  /** Resolves once the response is finished (or the client left) and the child has exited. Never rejects. */
  done: Promise<void>;
}

/** Largest CGI header block accepted; http-backend writes a few hundred bytes. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Runs `program` for `req` and writes its output to `res`. Use one call per HTTP request; `onStderr` receives
 * the program's diagnostics (git writes its errors there), which also become the body of a 502 when the
 * program dies before writing any header.
 */
export function runCgi(
  req: IncomingMessage,
  res: ServerResponse,
  program: CgiProgram,
  onStderr: (text: string) => void = () => {},
): CgiRun {
  const child = spawn(program.command, program.args, { env: program.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let head: Buffer | undefined = Buffer.alloc(0);

  const done = new Promise<void>((resolve) => {
    let exited = false;
    child.on('error', (err) => {
      // spawn failure (git missing): there is no 'close' with output to wait for.
      stderr += `${err.message}\n`;
    });
    child.on('close', (code, signal) => {
      exited = true;
      if (head !== undefined && !res.headersSent) {
        const detail = stderr.trim() || `CGI program exited (${signal ?? code}) without a response`;
        sendPlain(res, 502, `${detail}\n`);
      } else {
        res.end();
      }
      resolve();
    });
    res.on('close', () => {
      // The client went away mid-response: stop the program instead of letting it write into the void.
      if (!exited && !res.writableFinished) child.kill('SIGTERM');
    });
  });

  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr += text;
    onStderr(text);
  });

  // http-backend stops reading stdin early on errors; EPIPE then is expected, not a failure.
  child.stdin!.on('error', () => {});
  req.on('error', () => child.kill('SIGTERM'));
  req.pipe(child.stdin!);

  child.stdout!.on('data', (chunk: Buffer) => {
    if (head === undefined) {
      writeWithBackpressure(child, res, chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) {
      if (head.length > MAX_HEADER_BYTES) {
        head = undefined;
        sendPlain(res, 502, 'CGI header block too large\n');
        child.kill('SIGTERM');
      }
      return;
    }
    const { status, headers } = parseCgiHeaders(head.subarray(0, split.headerEnd).toString('latin1'));
    const rest = head.subarray(split.bodyStart);
    head = undefined;
    res.writeHead(status.code, status.message, headers);
    if (rest.length > 0) writeWithBackpressure(child, res, rest);
  });

  return { child, done };
}

/** Parsed CGI response headers: the `Status:` pseudo-header and everything else as HTTP headers. */
export function parseCgiHeaders(block: string): {
  status: { code: number; message?: string };
  headers: OutgoingHttpHeaders;
} {
  const headers: Record<string, string | string[]> = {};
  let status: { code: number; message?: string } = { code: 200 };
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const match = /^(\d{3})(?:\s+(.*))?$/.exec(value);
      if (match) status = { code: Number(match[1]), ...(match[2] ? { message: match[2] } : {}) };
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return { status, headers };
}

function findHeaderEnd(buf: Buffer): { headerEnd: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const candidates = [
    ...(crlf >= 0 ? [{ headerEnd: crlf, bodyStart: crlf + 4 }] : []),
    ...(lf >= 0 ? [{ headerEnd: lf, bodyStart: lf + 2 }] : []),
  ];
  return candidates.sort((a, b) => a.headerEnd - b.headerEnd)[0];
}

function writeWithBackpressure(child: ChildProcess, res: ServerResponse, chunk: Buffer): void {
  if (res.write(chunk)) return;
  child.stdout!.pause();
  res.once('drain', () => child.stdout!.resume());
}

function sendPlain(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
