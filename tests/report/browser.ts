/**
 * Headless Chromium for the report tests: Debian's `chromium` package (`apt-get install chromium`, .ci/run does it),
 * driven by playwright-core. Never a browser download. Flags keep Chromium from calling home on its own, so that
 * "no request leaves 127.0.0.1" is about the page, not the browser. `CHROMIUM_PATH` overrides the binary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches the system Chromium; throws one actionable line when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** True when two boxes share area (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
