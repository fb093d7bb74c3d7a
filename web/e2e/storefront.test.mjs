// Storefront flows in a real browser against a real demo shop.
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

test('a misspelt controller search finds PlayStation controllers, suggests the spelling and shows accessories', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/');
  await page.waitForSelector('.category-tile');
  await page.screenshot({ path: join(screenshotDir, 'home.png'), fullPage: false });
  // New arrivals: twelve different product lines, not twelve colours of one.
  const arrivals = await page.$$eval('section[aria-label="New arrivals"] .card .title', (els) => els.map((e) => e.textContent));
  assert.equal(arrivals.length, 12, `new arrivals: ${arrivals}`);
  assert.equal(new Set(arrivals.map((t) => t.split(' – ')[0])).size, 12, `new arrivals: ${arrivals}`);
  await page.fill('#q', 'playstaton controler');
  await page.press('#q', 'Enter');
  await page.waitForSelector('.result-list .card');
  const titles = await page.$$eval('.result-list .card .title', (els) => els.slice(0, 5).map((e) => e.textContent));
  assert.ok(titles.some((t) => /playstation|dualsense|ps5/i.test(t) && /controller/i.test(t)), `top titles: ${titles}`);
  assert.match(await page.textContent('.did-you-mean'), /playstation controller/i);
  const accessories = await page.$$eval('.accessories .card .title', (els) => els.map((e) => e.textContent));
  assert.ok(accessories.some((t) => /charg|camera/i.test(t)), `accessories: ${accessories}`);
  await page.screenshot({ path: join(screenshotDir, 'search-typo.png'), fullPage: true });
  await page.close();
});

test('a category page filters by brand through its facets and opens a product', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/');
  await page.click('.category-bar a >> nth=0');
  await page.waitForSelector('.facets');
  const before = await page.textContent('.total');
  await page.click('.facets h3:has-text("Brand") + ul a >> nth=0');
  await page.waitForFunction((b) => document.querySelector('.total')?.textContent !== b, before);
  await page.click('.result-list .card a >> nth=0');
  await page.waitForSelector('.buybox h1');
  // The product's picture is served and decodes: an <img>, not the initials tile.
  await page.waitForFunction(() => {
    const img = document.querySelector('.gallery img.hero-img');
    return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
  });
  await page.screenshot({ path: join(screenshotDir, 'product.png'), fullPage: true });
  await page.close();
});

test('the storefront fits a phone screen: home, search and a product page', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.goto(shop.url + '/');
  await page.waitForSelector('.category-tile');
  assert.ok(await overflow() <= 1, `home is ${await overflow()}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-home.png'), fullPage: true });
  await page.goto(shop.url + '/search?q=dog%20food');
  await page.waitForSelector('.result-list .card');
  assert.ok(await overflow() <= 1, `search is ${await overflow()}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-search.png'), fullPage: false });
  await page.click('.result-list .card a >> nth=0');
  await page.waitForSelector('.buybox h1');
  assert.ok(await overflow() <= 1, `product page is ${await overflow()}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-product.png'), fullPage: true });
  await page.close();
});
