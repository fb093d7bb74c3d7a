// The merchant dashboard in a real browser against a real demo shop: sign in
// with an API key made by `atelier admin create-key`, see stock by location,
// validate a broken model and see its line, see the analytics charts, and
// move a shopper's order through the production board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBrowser, screenshotDir, startShopWithKey } from './harness.mjs';

let shop, browser;
before(async () => {
  shop = await startShopWithKey('dashboard-e2e', 'catalog,orders,models,analytics');
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

async function signIn(page) {
  await page.goto(shop.url + '/admin');
  await page.waitForSelector('form.login');
  await page.fill('form.login input[name=key]', shop.key);
  await page.press('form.login input[name=key]', 'Enter');
  await page.waitForSelector('#admin-nav:not([hidden])');
}

test('a wrong key is refused next to the key field, the right one opens the stock page', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/admin');
  await page.waitForSelector('form.login');
  await page.screenshot({ path: join(screenshotDir, 'admin-login.png') });
  await page.fill('form.login input[name=key]', 'atk_not_a_key');
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('form.login input[aria-invalid="true"]');
  assert.match(await page.textContent('form.login .field-error'), /unknown or revoked/);

  await page.fill('form.login input[name=key]', shop.key);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('.tile');
  await page.waitForSelector('table.data tbody tr');
  assert.match(await page.textContent('[role=status].muted'), /stock lines/);
  // Pick a location by its tile: every row is at that location.
  const tile = page.locator('.tile >> nth=1');
  const code = await tile.getAttribute('data-code');
  await tile.click();
  await page.waitForSelector(`.tile[data-code="${code}"][aria-pressed="true"]`);
  await page.waitForFunction((c) => [...document.querySelectorAll('table.data tbody tr td:nth-child(2) .sku')]
    .every((e) => e.textContent === c), code);
  await page.screenshot({ path: join(screenshotDir, 'admin-stock.png'), fullPage: true });
  // The key survives a reload (sessionStorage) and deep links open the dashboard.
  await page.goto(shop.url + '/admin/models');
  await page.waitForSelector('textarea[name=yaml]');
  await page.close();
});

test('validating a broken model shows its line; a valid one its count', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await page.click('#admin-nav a:has-text("Product models")');
  await page.waitForSelector('textarea[name=yaml]');
  await page.click('button:has-text("Validate")');
  await page.waitForSelector('.result.ok');
  assert.equal(await page.getAttribute('.result.ok dd.count', 'data-count'), '10');

  await page.fill('textarea[name=yaml]', 'model: mug\nname: Mug\noptions:\n  - id: size\n    values: [small, large\nrules: []\n');
  await page.click('button:has-text("Validate")');
  await page.waitForSelector('.result.bad');
  const line = Number(await page.getAttribute('.result.bad .line-link', 'data-line'));
  assert.ok(line >= 5 && line <= 6, `error on line ${line}`);
  assert.match(await page.textContent('.result.bad'), new RegExp(`Line ${line}`));
  assert.equal(await page.locator('.gutter span.bad').count(), 1);
  await page.click('.result.bad .line-link');
  await page.screenshot({ path: join(screenshotDir, 'admin-model-error.png'), fullPage: true });
  await page.close();
});

test('analytics draw the sales, pairs, options and fulfilment charts', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await page.click('#admin-nav a:has-text("Analytics")');
  await page.waitForSelector('#sales-title');
  await page.waitForSelector('canvas.chart[data-rendered=true]');
  await page.waitForFunction(() => document.querySelectorAll('canvas.chart[data-rendered=true]').length >= 3);
  // Each panel loads on its own; the sales one reads the whole history and may come last.
  await page.waitForSelector('#sales-title ~ .chart-box canvas[data-rendered=true]', { timeout: 30000 });
  // The sales chart has pixels on it, not just a canvas.
  const painted = await page.$eval('#sales-title ~ .chart-box canvas', (c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
    return ink;
  });
  assert.ok(painted > 1000, `sales chart painted ${painted} pixels`);
  // Each panel loads on its own: wait for the recommendations panel's answer.
  await page.waitForFunction(() => /Recommended items shown/.test(document.querySelector('.analytics')?.textContent ?? ''),
    null, { timeout: 30000 });
  await page.screenshot({ path: join(screenshotDir, 'admin-analytics.png'), fullPage: true });
  await page.locator('section[aria-labelledby=sales-title]').screenshot({ path: join(screenshotDir, 'admin-sales.png') });
  await page.locator('section[aria-labelledby=pairs-title]').screenshot({ path: join(screenshotDir, 'admin-pairs.png') });
  await page.close();
});

test('an order placed by a shopper moves through the production board', async () => {
  // A shopper orders a product in stock, through the API.
  const shopper = await browser.newContext();
  const register = await shopper.request.post(shop.url + '/api/v1/auth/register', {
    data: { email: `board-${Date.now()}@example.com`, password: 'correct horse battery staple', region: 'us-east' },
  });
  assert.equal(register.status(), 201, await register.text());
  const csrf = (await register.json()).csrf_token;
  const listing = await (await shopper.request.get(shop.url + '/api/v1/products?category=video-games-consoles-controllers&per_page=20')).json();
  const product = listing.items.find((p) => !p.model_id && p.total_stock >= 1);
  assert.ok(product, 'no controller in stock');
  const headers = { 'X-CSRF-Token': csrf };
  const added = await shopper.request.post(shop.url + '/api/v1/cart/items', { data: { sku: product.sku, quantity: 1 }, headers });
  assert.equal(added.status(), 201, await added.text());
  const checkout = await shopper.request.post(shop.url + '/api/v1/checkout', {
    data: { shipping: { name: 'Ada Lovelace', line1: '1 Loom Street', city: 'Boston', state: 'MA', postal_code: '02108', country: 'US', region: 'us-east' } },
    headers: { ...headers, 'Idempotency-Key': `board-${Date.now()}` },
  });
  assert.equal(checkout.status(), 201, await checkout.text());
  const order = await checkout.json();
  await shopper.close();

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await page.click('#admin-nav a:has-text("Production board")');
  const card = `.column[data-status=placed] [data-order="${order.id}"]`;
  await page.waitForSelector(card);
  assert.match(await page.textContent(card), /To Ada Lovelace · Boston, MA 02108, US/);
  await page.screenshot({ path: join(screenshotDir, 'admin-board.png'), fullPage: true });
  await page.click(`${card} button:has-text("Ship")`);
  await page.waitForSelector(`.column[data-status=shipped] [data-order="${order.id}"]`);
  assert.equal(await page.locator(card).count(), 0);
  await page.close();
});

test('the plant calendar shows a booked build-to-order slot, closes a day and changes capacity', async () => {
  // A shopper orders a configured SUV: built to order, a slot booked at a plant.
  const shopper = await browser.newContext();
  const register = await shopper.request.post(shop.url + '/api/v1/auth/register', {
    data: { email: `plant-${Date.now()}@example.com`, password: 'correct horse battery staple', region: 'us-east' },
  });
  assert.equal(register.status(), 201, await register.text());
  const headers = { 'X-CSRF-Token': (await register.json()).csrf_token };
  const configured = await (await shopper.request.post(shop.url + '/api/v1/models/suv/configure', {
    data: { selections: { colour: 'red', towing: 'true' } },
  })).json();
  const selections = { ...configured.cheapest_completion, colour: 'red', towing: 'true' };
  const added = await shopper.request.post(shop.url + '/api/v1/cart/items', { data: { model_id: 'suv', selections, quantity: 1 }, headers });
  assert.equal(added.status(), 201, await added.text());
  const checkout = await shopper.request.post(shop.url + '/api/v1/checkout', {
    data: { shipping: { name: 'Ada Lovelace', line1: '1 Loom Street', city: 'Boston', state: 'MA', postal_code: '02108', country: 'US', region: 'us-east' } },
    headers: { ...headers, 'Idempotency-Key': `plant-${Date.now()}` },
  });
  assert.equal(checkout.status(), 201, await checkout.text());
  const order = await checkout.json();
  await shopper.close();
  assert.equal(order.fulfilment, 'build_to_order');
  const buildDate = order.lines[0].build_date;
  const plant = order.lines[0].plant ?? null;

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (d) => d.accept());
  await signIn(page);
  await page.click('#admin-nav a:has-text("Plants")');
  await page.waitForSelector('table.calendar');
  // Find the plant whose calendar holds the booking, starting from its build day.
  const codes = await page.locator('select[name=plant] option').evaluateAll((os) => os.map((o) => o.value));
  let found = false;
  for (const code of plant ? [plant] : codes) {
    await page.selectOption('select[name=plant]', code);
    await page.fill('input[name=from]', buildDate);
    await page.dispatchEvent('input[name=from]', 'change');
    await page.waitForSelector(`table.calendar th[data-date="${buildDate}"]`);
    const booked = await page.evaluate(() => {
      const row = [...document.querySelectorAll('table.calendar tbody tr')].find((r) => r.querySelector('th')?.textContent === 'suv');
      return row?.querySelector('td')?.textContent ?? '';
    });
    if (/^[1-9]\d* \/ \d+/.test(booked)) { found = true; break; }
  }
  assert.ok(found, `no plant shows the SUV booked on ${buildDate}`);
  await page.screenshot({ path: join(screenshotDir, 'admin-plants.png'), fullPage: true });

  // Close an open day, then reopen it.
  const day = await page.locator('table.calendar thead th.day:not(.closed)').nth(1).getAttribute('data-date');
  await page.locator(`table.calendar thead th[data-date="${day}"] button:has-text("Close")`).click();
  await page.waitForSelector(`table.calendar thead th.closed[data-date="${day}"] .closed-tag`);
  await page.screenshot({ path: join(screenshotDir, 'admin-plants-closed.png'), fullPage: true });
  await page.locator(`table.calendar thead th[data-date="${day}"] button:has-text("Reopen")`).click();
  await page.waitForSelector(`table.calendar thead th.day:not(.closed)[data-date="${day}"]`);

  // A bad capacity is refused next to its field; a good one shows in the grid.
  await page.fill('input[name=product_line]', 'suv');
  await page.fill('input[name=units_per_day]', '-2');
  await page.click('button:has-text("Save capacity")');
  await page.waitForSelector('[data-field=units_per_day] .field-error:not(:empty)');
  await page.fill('input[name=units_per_day]', '40');
  await page.click('button:has-text("Save capacity")');
  await page.waitForFunction(() => [...document.querySelectorAll('table.calendar tbody tr')]
    .some((r) => r.querySelector('th')?.textContent === 'suv' && /^\d+ \/ 40$/.test(r.querySelector('td')?.textContent ?? '')));
  await page.close();
});
