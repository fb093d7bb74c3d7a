// Starts a real `atelier serve --demo` on a free port and a real headless
// Chromium (Debian's) driven by playwright-core. Used by every browser test.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const screenshotDir = process.env.ATELIER_SCREENSHOTS ?? join(root, 'build', 'screenshots');

export async function startShop() {
  const bin = process.env.ATELIER_BIN ?? join(root, 'build', 'bin', 'atelier');
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
  const proc = spawn(bin, ['serve', '--demo', '--port', '0', '--data-dir', dataDir, '--web-dir', join(root, 'web', 'dist')], {
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
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
