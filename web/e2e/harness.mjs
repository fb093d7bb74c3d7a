// Starts a real `atelier serve --demo` on a free port and a real headless
// Chromium (Debian's) driven by playwright-core. Used by every browser test.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const screenshotDir = process.env.ATELIER_SCREENSHOTS ?? join(root, 'build', 'screenshots');

export const atelierBin = process.env.ATELIER_BIN ?? join(root, 'build', 'bin', 'atelier');

// `prepare(dataDir)`, when given, runs before the server starts (e.g. the CLI
// making an API key or a staff account in the shop's own store); what it
// returns is the shop's `prepared`. stop() fails when the server does not
// exit cleanly (status 0) on SIGTERM, e.g. a sanitizer report at shutdown.
export async function startShop({ prepare } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
  const prepared = prepare ? await prepare(dataDir) : undefined;
  const proc = spawn(atelierBin, ['serve', '--demo', '--port', '0', '--data-dir', dataDir, '--web-dir', process.env.ATELIER_WEB_DIST ?? join(root, 'web', 'dist')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not print its URL in 120 s; stderr: ${stderr}`)), 120000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/running at (http:\/\/\S+?)\/?\s/);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr}`)); });
  });
  return {
    url,
    prepared,
    async stop() {
      const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
      proc.kill('SIGTERM');
      const { code, signal } = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`server exited with ${code ?? signal} on SIGTERM; stderr: ${stderr}`);
    },
  };
}

// A shop with a merchant API key of `scopes` (comma-separated), made by
// `atelier admin create-key` in the shop's own store before it starts; the
// key is `shop.key`.
export async function startShopWithKey(name, scopes) {
  const shop = await startShop({
    prepare: (dataDir) => execFileSync(atelierBin, ['admin', 'create-key', '--name', name, '--scopes', scopes,
      '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
  });
  return Object.assign(shop, { key: shop.prepared });
}

export async function startBrowser() {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// Fills the checkout's delivery address (the fields the shop checks one by
// one); leaves out what `address` leaves out, so a test can check the error.
export async function fillAddress(page, address) {
  const ids = { name: '#f-name', line1: '#f-line1', line2: '#f-line2', city: '#f-city', postal_code: '#f-postal_code' };
  for (const [member, selector] of Object.entries(ids)) {
    if (address[member] !== undefined) await page.fill(selector, address[member]);
  }
  if (address.country) await page.selectOption('#f-country', address.country);
  if (address.region) await page.selectOption('#f-region', address.region);
}
