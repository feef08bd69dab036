// Debian's Chromium, driven by playwright-core (which ships no browser of its own).
import { access, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.VNET_CHROMIUM ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--no-sandbox', // we run as root in CI, where Chromium's sandbox refuses to start
  '--disable-gpu',
  // Keep Chromium off the internet: no update checks, no component downloads, no sync, no first-run pages.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage', // containers often have a tiny /dev/shm
];

export async function launchBrowser(): Promise<Browser> {
  try {
    await access(chromiumPath);
  } catch {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install it with: apt-get install chromium ` +
        '(or VNET_WITH_BROWSER=1 bash test/setup/install-deps.sh), or point VNET_CHROMIUM at another build.',
    );
  }
  // Chromium keeps crash-report databases under $XDG_CONFIG_HOME (~/.config/chromium-headless); give it a
  // throwaway one so test runs leave nothing in the user's home.
  const home = await mkdtemp(path.join(os.tmpdir(), 'vnet-chromium-'));
  try {
    // playwright closes the browser when this process exits; Chromium also exits when its pipe to us closes.
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
      timeout: 60_000,
    });
    browser.on('disconnected', () => void rm(home, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}
