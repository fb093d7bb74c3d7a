// Recommendation impressions and clicks in a real browser: a shopper sees a
// product page's "Frequently bought together" strip and opens one of its
// products; the storefront reports both, and the merchant's analytics page
// shows the list, the click and the click-through for that surface.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBrowser, screenshotDir, startShopWithKey } from './harness.mjs';

let shop, browser;
before(async () => {
  shop = await startShopWithKey('recs-e2e', 'analytics');
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

async function stats() {
  const r = await fetch(shop.url + '/api/v1/admin/analytics/recommendations', { headers: { Authorization: `Bearer ${shop.key}` } });
  assert.equal(r.status, 200);
  return r.json();
}

async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a shown strip and a click on it reach the dashboard as click-through', async () => {
  const before = await stats();
  assert.equal(before.impressions.lists, 0, 'a fresh shop has no impressions');

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/search?q=dualsense%20controller');
  await page.click('.result-list .card a >> nth=0');
  const strip = page.locator('section[aria-label="Frequently bought together"]');
  await strip.waitFor();
  await strip.scrollIntoViewIfNeeded();
  const listId = await strip.getAttribute('data-list-id');
  assert.match(listId, /^rl_[0-9a-f]{16}$/);
  assert.equal(await strip.getAttribute('data-surface'), 'bought_together');
  // Shown: reported once it is half on screen (batched within a second).
  await until('the impression', async () => (await stats()).by_surface.bought_together?.lists >= 1);
  const shown = await strip.locator('.strip-row > .card').count();
  const clickedTitle = await strip.locator('.strip-row > .card .title').nth(1).textContent();
  await strip.locator('.strip-row > .card a').nth(1).click();
  await page.waitForFunction((t) => document.querySelector('.buybox h1')?.textContent === t, clickedTitle);

  const after = await until('the click', async () => {
    const s = await stats();
    return s.by_surface.bought_together?.clicks >= 1 ? s : null;
  });
  // The product page just opened may have shown its own strip too: one more
  // impression, no click.
  const bt = after.by_surface.bought_together;
  assert.ok(bt.lists >= 1 && bt.lists <= 2, `lists ${bt.lists}`);
  assert.ok(bt.items_shown >= shown, `items shown ${bt.items_shown}`);
  assert.equal(bt.clicks, 1);
  assert.ok(Math.abs(bt.click_through - 1 / bt.items_shown) < 1e-9, `click-through ${bt.click_through}`);

  // The merchant sees it on the analytics page.
  const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await admin.goto(shop.url + '/admin');
  await admin.fill('form.login input[name=key]', shop.key);
  await admin.press('form.login input[name=key]', 'Enter');
  await admin.waitForSelector('#admin-nav:not([hidden])');
  await admin.click('#admin-nav a:has-text("Analytics")');
  const row = admin.locator('.table-wrap.ctr tr:has(th:has-text("Bought together"))');
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  assert.deepEqual(cells.slice(0, 3), [String(bt.lists), String(bt.items_shown), '1']);
  await admin.waitForSelector('#recs-title ~ div .chart-box.ctr canvas[data-rendered=true]');
  await admin.locator('section[aria-labelledby=recs-title]').screenshot({ path: join(screenshotDir, 'admin-recommendations.png') });
  await admin.close();
  await page.close();
});

test('home shows trending to a visitor and the cart offers what completes it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/');
  const trending = page.locator('section[aria-label="Trending now"]');
  await trending.waitFor();
  assert.equal(await trending.getAttribute('data-surface'), 'for_you');
  assert.ok(await trending.locator('.strip-row > .card').count() >= 4);
  // A controller in the cart: the cart page offers its accessories, never the controller itself.
  const found = await (await page.request.get(shop.url + '/api/v1/search?q=dualsense%20controller&per_page=20')).json();
  const item = found.items.find((i) => i.in_stock && !i.configurable);
  assert.ok(item, 'an in-stock controller');
  assert.equal((await page.request.post(shop.url + '/api/v1/cart/items', { data: { sku: item.sku, quantity: 1 } })).status(), 201);
  await page.goto(shop.url + '/cart');
  const completion = page.locator('section.cart-completion');
  await completion.waitFor();
  assert.equal(await completion.getAttribute('data-surface'), 'basket');
  const titles = await completion.locator('.card .title').allTextContents();
  assert.ok(!titles.includes(item.title), `the cart's own item offered: ${titles}`);
  assert.ok(titles.some((t) => /charg|camera|headset|console|controller/i.test(t)), `completion: ${titles}`);
  await page.screenshot({ path: join(screenshotDir, 'cart-completion.png'), fullPage: true });
  await page.close();
});
