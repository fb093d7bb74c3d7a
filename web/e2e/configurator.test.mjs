// The configurator in a real browser against a real demo shop: greyed values
// with their reasons, the repair offer, live price and count, auto-complete,
// availability, the personalization previews, and a phone-width layout.
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

// Waits until the page shows the answer to the latest configure request.
async function settled(page) {
  await page.waitForSelector('.configurator:not(.pending) .cfg-price:not(:empty)');
}

const chip = (option, value) => `button.chip[data-option="${option}"][data-value="${value}"]`;

test('configuring the SUV: a greyed value explains itself, a click offers the repair, price and count follow', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/configure/suv');
  await settled(page);
  const count0 = await page.textContent('.cfg-count');
  const price0 = await page.textContent('.cfg-price');
  assert.match(count0, /[\d,]+ configurations still possible/);
  assert.match(await page.textContent('.cfg-range'), /\$[\d,]+\.\d\d – \$[\d,]+\.\d\d/);

  // Racing red: the price goes up by the paint's delta and fewer configurations remain.
  await page.click(chip('colour', 'red'));
  await settled(page);
  assert.equal(await page.getAttribute(chip('colour', 'red'), 'aria-pressed'), 'true');
  const price1 = await page.textContent('.cfg-price');
  assert.notEqual(price1, price0);
  const count1 = await page.textContent('.cfg-count');
  assert.notEqual(count1, count0);

  // The 4-cylinder rules out the towing package: greyed, with its reason on hover.
  await page.click(chip('engine', 'i4'));
  await settled(page);
  const towing = chip('towing', 'true');
  assert.match(await page.getAttribute(towing, 'class'), /unavailable/);
  await page.hover(towing);
  const why = page.locator(`${towing} + .why`);
  await why.waitFor({ state: 'visible' });
  assert.match(await why.textContent(), /V6 or the hybrid/i);
  await page.screenshot({ path: join(screenshotDir, 'configurator-reason.png') });

  // Clicking it offers the repair: drop the engine; confirming applies it.
  await page.click(towing);
  const repair = page.locator('#opt-towing .repair');
  await repair.waitFor({ state: 'visible' });
  assert.match(await repair.textContent(), /Engine: 2\.0 turbo 4-cylinder/);
  assert.match(await repair.textContent(), /does not go with your current picks/);
  await page.screenshot({ path: join(screenshotDir, 'configurator-repair.png') });
  await repair.locator('button.primary').click();
  await settled(page);
  assert.equal(await page.getAttribute(towing, 'aria-pressed'), 'true');
  assert.equal(await page.getAttribute(chip('engine', 'i4'), 'aria-pressed'), 'false');
  // The engine left now is the V6 or the hybrid: the others are greyed.
  assert.match(await page.getAttribute(chip('engine', 'i4'), 'class'), /unavailable/);
  assert.doesNotMatch(await page.getAttribute(chip('engine', 'v6'), 'class'), /unavailable/);
  const count2 = await page.textContent('.cfg-count');
  assert.notEqual(count2, count1);
  assert.match(page.url(), /colour=red/);
  assert.match(page.url(), /towing=true/);

  // Fill in the rest with the cheapest choices: complete, one configuration.
  await page.click('button:has-text("Fill in the rest")');
  await settled(page);
  assert.match(await page.textContent('.cfg-complete'), /Complete/);
  assert.match(await page.textContent('.cfg-count'), /One exact configuration/);
  assert.equal(await page.getAttribute(chip('colour', 'red'), 'aria-pressed'), 'true');
  await page.screenshot({ path: join(screenshotDir, 'configurator-complete.png'), fullPage: true });

  // Where to get it: stock, alternatives and a build-to-order date.
  await page.fill('#budget', '80000');
  await page.selectOption('#region', 'us-west');
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.avail-results .avail-block');
  const bto = await page.textContent('.avail-results');
  assert.match(bto, /Built to order for you/);
  assert.match(bto, /Delivered \w{3}, \w{3} \d+, \d{4}/);
  await page.locator('#availability').screenshot({ path: join(screenshotDir, 'configurator-availability.png') });
  await page.close();
});

test('a red SUV with the tow package is found in stock or as a close alternative', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/configure/suv?colour=red&towing=true');
  await settled(page);
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.avail-results .avail-block');
  const offers = await page.$$eval('.avail-results .offer', (els) => els.length);
  assert.ok(offers > 0, 'no offer at all for a red SUV with towing');
  // Changing a pick marks the results as out of date instead of leaving them.
  await page.click(chip('colour', 'jet_black'));
  await page.waitForSelector('.stale:not([hidden])');
  await settled(page);
  await page.close();
});

test('the tablet preview shows the engraving as it is typed, in the chosen font', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.url + '/configure/tablet');
  await settled(page);
  await page.click(chip('colour', 'silver'));
  await page.fill('#pf-engraving-0', 'For Ada');
  await page.fill('#pf-engraving-1', 'Love, Grace');
  await page.check('input[name="font-engraving"][value="serif"]');
  const lines = await page.$$eval('.tablet-preview .engraved-line', (els) => els.map((e) => e.textContent));
  assert.deepEqual(lines.slice(0, 2), ['For Ada', 'Love, Grace']);
  assert.match(await page.getAttribute('.tablet-preview .engraved-line', 'font-family'), /Didot|serif/);
  await settled(page);
  assert.match(page.url(), /p\.engraving=For\+Ada/);
  // Emoji need the emoji font: the shop's error shows under the field.
  await page.fill('#pf-engraving-1', 'Love 😀');
  await page.waitForFunction(() => /emoji/.test(document.querySelector('#err-engraving')?.textContent ?? ''));
  assert.equal(await page.getAttribute('#pf-engraving-1', 'aria-invalid'), 'true');
  await page.check('input[name="font-engraving"][value="emoji"]');
  await page.waitForFunction(() => document.querySelector('#err-engraving')?.textContent === '');
  await page.fill('#pf-engraving-1', 'Love, Grace');
  await page.check('input[name="font-engraving"][value="serif"]');
  await settled(page);
  await page.locator('.cfg-summary').screenshot({ path: join(screenshotDir, 'tablet-engraving.png') });
  await page.close();
});

test('the candy preview prints the words and the uploaded picture', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Pictures are uploaded to the shopper's account.
  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'candy-preview@example.com');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);
  await page.goto(shop.url + '/configure/candy');
  await settled(page);
  await page.click(chip('colour_1', 'pink'));
  await page.click(chip('colour_2', 'yellow'));
  await page.fill('#pf-message-0', 'HAPPY');
  await page.fill('#pf-message-1', 'BDAY');
  // A 400x400 PNG made in the page, uploaded through the file input.
  const png = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = c.height = 400;
    const g = c.getContext('2d');
    g.fillStyle = '#2563eb';
    g.fillRect(0, 0, 400, 400);
    g.fillStyle = '#fde047';
    g.beginPath();
    g.arc(200, 200, 120, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/png').split(',')[1];
  });
  await page.setInputFiles('#pf-picture', { name: 'smile.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await page.waitForSelector('.upload-thumb img');
  await settled(page);
  // The hero candy's centre shows the picture's blue/yellow, not the pink.
  const pixel = await page.$eval('.candy-preview canvas', (c) => Array.from(c.getContext('2d').getImageData(300, 178, 1, 1).data));
  assert.ok(pixel[2] > 150 || (pixel[0] > 200 && pixel[1] > 200), `picture not drawn: ${pixel}`);
  await page.locator('.cfg-summary').screenshot({ path: join(screenshotDir, 'candy-preview.png') });
  await page.close();
});

test('the configurator fits a phone screen and works by keyboard', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await page.goto(shop.url + '/configure/suv?engine=i4');
  await settled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-configurator.png') });
  // Keyboard: focus a greyed value (reason shows), Enter opens the repair.
  await page.focus(chip('towing', 'true'));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const why = page.locator(`${chip('towing', 'true')} + .why`);
  await why.waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('#opt-towing .repair').waitFor({ state: 'visible' });
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.match(focused, /add the towing package/i);
  await page.locator('#opt-towing').screenshot({ path: join(screenshotDir, 'phone-repair.png') });
  await page.keyboard.press('Escape');
  await page.locator('#opt-towing .repair').waitFor({ state: 'hidden' });
  // Focus is back on the value; arrows move within the option, Tab to the next option.
  const active = () => page.evaluate(() => `${document.activeElement?.dataset.option}=${document.activeElement?.dataset.value}`);
  assert.equal(await active(), 'towing=true');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await active(), 'towing=false');
  await page.keyboard.press('Tab');
  assert.match(await active(), /^winter_package=/);
  await page.goto(shop.url + '/configure/tablet');
  await settled(page);
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow2 <= 1, `tablet page is ${overflow2}px wider than the phone`);
  await page.close();
});
