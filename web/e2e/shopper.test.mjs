// The personal shopper in a real browser against a real demo shop: shoes in
// an exact size and width propose a custom configuration with how it meets
// each spec; an impossible spec offers relaxations that apply with a click;
// an API error lands next to the field at fault; and the page fits a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startShop, startBrowser, screenshotDir } from './harness.mjs';

let shop, browser;
before(async () => {
  shop = await startShop();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

const specRow = (page, i) => page.locator('ol[aria-label="Must-haves"] > li').nth(i);

// Fills must-have row i (adding rows as needed).
async function spec(page, i, field, op, value) {
  while (await page.locator('ol[aria-label="Must-haves"] > li').count() <= i) await page.click('button:has-text("Add a must-have")');
  const row = specRow(page, i);
  await row.locator('.cond-field input').fill(field);
  await row.locator('.cond-op select').selectOption(op);
  await row.locator('.cond-value input').fill(value);
}

// Submits and waits for the answer (results or an error).
async function find(page) {
  await page.click('button[type="submit"]:has-text("Find it for me")');
  await page.waitForSelector('button[type="submit"]:has-text("Find it for me"):not([disabled])');
}

async function shoesForm(page) {
  await page.goto(shop.url + '/personal-shopper');
  await page.waitForSelector('form.shopper-form');
  assert.equal(await page.inputValue('select#sh-category'), 'shoes');
  await spec(page, 0, 'size', '=', '11.5');
  await spec(page, 1, 'width', '=', 'W');
  await spec(page, 2, 'heel_height_cm', '<=', '2');
  await page.fill('#sh-budget', '200');
}

test('shoes in size 11.5, wide, low heel under $200: a custom configuration with how it meets each spec', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Linked from the home page.
  await page.goto(shop.url + '/');
  await page.click('a.hero-cta');
  await page.waitForSelector('form.shopper-form');
  assert.match(page.url(), /\/personal-shopper$/);

  await shoesForm(page);
  await find(page);
  const made = page.locator('.matches .match', { hasText: 'Made to order' }).first();
  await made.waitFor();
  const meets = made.locator('.checks.meets li');
  assert.equal(await meets.count(), 3);
  assert.equal(await made.locator('.checks.meets li.ok').count(), 3);
  const lines = (await meets.allTextContents()).join(' | ');
  assert.match(lines, /Size 11\.5/);
  assert.match(lines, /Width Wide/);
  assert.match(lines, /Heel height 1 cm ≤ 2/);
  assert.match(await made.textContent(), /\$\d+\.\d\d/);
  // The results heading takes the focus, for keyboard and screen reader users.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sh-results-h');
  await page.screenshot({ path: join(screenshotDir, 'shopper-matches.png'), fullPage: true });

  // "Configure this" opens the configurator with the configuration picked.
  const href = await made.locator('a:has-text("Configure this")').getAttribute('href');
  assert.match(href, /^\/configure\/shoes\?/);
  assert.match(href, /size=11\.5/);
  assert.match(href, /width=W/);
  await made.locator('a:has-text("Configure this")').click();
  await page.waitForSelector('.configurator:not(.pending) .cfg-price:not(:empty)');
  assert.equal(await page.getAttribute('button.chip[data-option="size"][data-value="11.5"]', 'aria-pressed'), 'true');
  assert.equal(await page.getAttribute('button.chip[data-option="width"][data-value="W"]', 'aria-pressed'), 'true');
  await page.close();
});

test('an impossible spec offers relaxations; applying one searches again and finds items', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await shoesForm(page);
  await spec(page, 3, 'material', '=', 'gold');
  await find(page);
  const relaxations = page.locator('.relaxations .relaxation');
  await relaxations.first().waitFor();
  assert.match(await page.textContent('#sh-results-h'), /Nothing meets/);
  const drop = relaxations.filter({ hasText: /drop material/i }).first();
  assert.match(await drop.locator('.relax-yield').textContent(), /\d+ items?/);
  // Its examples show which spec they miss.
  assert.ok(await drop.locator('.checks.meets li.bad').count() >= 1);
  await page.screenshot({ path: join(screenshotDir, 'shopper-relaxations.png'), fullPage: true });

  await drop.locator('button:has-text("Apply and search again")').click();
  await page.locator('.matches .match').first().waitFor();
  assert.equal(await page.locator('.relaxations').count(), 0);
  // The material row is gone from the form; the others stay.
  const fields = await page.locator('ol[aria-label="Must-haves"] .cond-field input').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(fields, ['size', 'width', 'heel_height_cm']);
  assert.equal(await page.locator('.matches .match .checks.meets li.bad').count(), 0);
  await page.close();
});

test('a value the shop cannot compare is shown next to that row', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await shoesForm(page);
  await spec(page, 2, 'heel_height_cm', '<=', 'low');
  await find(page);
  const value = specRow(page, 2).locator('.cond-value');
  await value.locator('.field-error:not(:empty)').waitFor();
  assert.match(await value.locator('.field-error').textContent(), /number/);
  assert.equal(await value.locator('input').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.cond-value') !== null), true);
  // Other rows carry no error.
  assert.equal(await page.locator('.cond-field .field-error:not(:empty), .cond-op .field-error:not(:empty)').count(), 0);
  await page.screenshot({ path: join(screenshotDir, 'shopper-error.png') });

  // Typing a number clears the error, and the search works.
  await value.locator('input').fill('2');
  assert.equal(await value.locator('.field-error').textContent(), '');
  await find(page);
  await page.locator('.matches .match').first().waitFor();
  await page.close();
});

test('the personal shopper at a phone width, by keyboard', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await shoesForm(page);
  // A nice-to-have: black, with its own line under each match.
  await page.locator('ol[aria-label="Nice-to-haves"] > li').first().locator('.cond-value input').fill('black');
  // Enter in the budget submits the form.
  await page.focus('#sh-budget');
  await page.keyboard.press('Enter');
  await page.locator('.matches .match').first().waitFor();
  assert.match(await page.locator('.matches .match .checks.prefers').first().textContent(), /Colour/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: join(screenshotDir, 'shopper-phone.png'), fullPage: true });
  await page.close();
});
