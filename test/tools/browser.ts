/** Headless Chromium for the report tests: where it is, how it is launched, and no network. */
import type { Browser, BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.PRECODING_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/** Refuse every request that is not a file: or data: URL; → the refused URLs (a report must make none). */
export async function refuseNetwork(context: BrowserContext): Promise<string[]> {
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('data:')) return route.continue();
    requests.push(u);
    return route.abort();
  });
  return requests;
}
