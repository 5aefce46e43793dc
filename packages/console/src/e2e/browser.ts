import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium): playwright-core drives it and downloads no browser of its own. */
export const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';

// The background-networking flags keep Chromium from calling out: this machine's network is closed.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Why the browser tests skip (no Chromium, and CAIRN_REQUIRE_BROWSER=1 does not ask to fail instead), or undefined. */
export const NO_BROWSER = !existsSync(CHROMIUM) && process.env.CAIRN_REQUIRE_BROWSER !== '1' ? `${CHROMIUM} is missing (apt-get install chromium); set CAIRN_REQUIRE_BROWSER=1 to fail instead` : undefined;

/** `extraArgs`: further switches, e.g. `--host-resolver-rules` to point a made-up name at loopback. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (.ci/run does this)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs], headless: true });
}

/**
 * Everything the page reports as an error: console.error calls and uncaught exceptions. `expect` lets a step
 * allow the one error it causes on purpose (the browser logs every 4xx answer to fetch).
 */
export class ConsoleErrors {
  private readonly seen: string[] = [];
  private allowed: RegExp[] = [];
  private tolerated: RegExp[] = [];

  constructor(page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.record(`console.error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => this.record(`uncaught: ${err.message}`));
  }

  private record(text: string): void {
    if (this.tolerated.some((re) => re.test(text))) return;
    const i = this.allowed.findIndex((re) => re.test(text));
    if (i >= 0) this.allowed.splice(i, 1);
    else this.seen.push(text);
  }

  /** Allows one error matching `re` (e.g. the 400 of a refused delete). */
  expect(re: RegExp): void {
    this.allowed.push(re);
  }

  /** Allows every error matching `re` from now on (a request the app makes on purpose to learn what a server has). */
  tolerate(re: RegExp): void {
    this.tolerated.push(re);
  }

  get errors(): readonly string[] {
    return this.seen;
  }
}
