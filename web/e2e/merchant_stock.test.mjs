// Stock edits on the merchant dashboard in a real browser against a real
// demo shop: a refused quantity is explained next to its field and changes
// nothing; an accepted one shows at once, survives a reload, and reaches the
// storefront's product page (through the store's change feed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBrowser, screenshotDir, startShopWithKey } from './harness.mjs';

let shop, browser;
before(async () => {
  shop = await startShopWithKey('stock-e2e', 'catalog');
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

async function unitsOf(productId, code) {
  const res = await fetch(`${shop.url}/api/v1/products/${productId}`);
  assert.equal(res.status, 200);
  const product = await res.json();
  const unit = product.stock.find((s) => s.location.code === code && s.configuration === null);
  return unit ? unit.quantity : null;
}

test('a merchant sets a stock line on the stock page; a bad value is refused next to the field', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/admin');
  await page.waitForSelector('form.login');
  await page.fill('form.login input[name=key]', shop.key);
  await page.press('form.login input[name=key]', 'Enter');
  await page.waitForSelector('table.data tbody tr form.units-editor');

  const row = page.locator('table.data tbody tr >> nth=0');
  const productId = Number((await row.locator('td >> nth=0 >> a').getAttribute('href')).split('/').pop());
  const code = (await row.locator('td >> nth=1 >> .sku').textContent()).trim();
  const before = await unitsOf(productId, code);
  assert.notEqual(before, null);
  const input = row.locator('input[name=units]');

  // Refused by the shop: the message sits under the field, nothing changes.
  await input.fill('-4');
  await row.locator('button[type=submit]').click();
  await row.locator('input[name=units][aria-invalid="true"]').waitFor();
  assert.match(await row.locator('[data-field="units"] .field-error').textContent(), /units must be/);
  await input.fill('two');
  await row.locator('button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('table.data tbody tr [data-field="units"] .field-error')?.textContent.includes('integer'));
  assert.equal(await unitsOf(productId, code), before);
  await page.screenshot({ path: join(screenshotDir, 'admin-stock-refused.png'), fullPage: false });

  // Accepted: shown at once, the error gone.
  const target = before + 17;
  await input.fill(String(target));
  await row.locator('button[type=submit]').click();
  await row.locator('.saved', { hasText: 'Saved' }).waitFor();
  assert.equal(await row.locator('.qty').textContent(), target.toLocaleString('en-US'));
  assert.equal(await row.locator('input[name=units][aria-invalid]').count(), 0);
  assert.equal(await row.locator('[data-field="units"] .field-error').textContent(), '');

  // The storefront's product page follows within a second.
  const start = Date.now();
  while ((await unitsOf(productId, code)) !== target) {
    assert.ok(Date.now() - start < 1000, 'the product page did not show the new units within a second');
    await new Promise((r) => setTimeout(r, 20));
  }
  // A reload of the stock page lists it too.
  await page.reload();
  await page.waitForSelector('table.data tbody tr form.units-editor');
  const reloaded = page.locator(`table.data tbody tr:has(a[href="/products/${productId}"]):has(.sku:text-is("${code}"))`);
  assert.equal(await reloaded.locator('input[name=units]').inputValue(), String(target));
  await page.screenshot({ path: join(screenshotDir, 'admin-stock-saved.png'), fullPage: false });
  await page.close();
});
