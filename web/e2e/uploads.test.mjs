// Personalization pictures in a real browser against a real demo shop: the
// candy's picture field uploads the chosen file, shows the shop's errors
// (not a picture whatever its name, too small) next to the field, draws the
// picture on the candy in the preview, and the picture goes with the cart
// line into the order; the cart, the order page and the merchant's
// production board show the picture itself, which nobody else can read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fillAddress, startBrowser, screenshotDir, startShopWithKey } from './harness.mjs';

let shop, browser;
before(async () => {
  // A merchant key (scope orders) made by the CLI in the shop's own store.
  shop = await startShopWithKey('pictures-e2e', 'orders');
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
// A real PNG of one colour, `size` pixels square.
function png(size, [r, g, b]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 2;  // 8-bit RGB
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function settled(page) {
  await page.waitForSelector('.configurator:not(.pending) .cfg-price:not(:empty)');
}

// The colour of the preview canvas at the middle of the big candy.
function heroPixel(page) {
  return page.$eval('.candy-preview canvas', (c) => Array.from(c.getContext('2d').getImageData(300, 220, 1, 1).data.slice(0, 3)));
}

// The uploaded picture's colour, within what colour handling may shift.
function assertBlue([r, g, b]) {
  assert.ok(Math.abs(r - 20) < 8 && Math.abs(g - 40) < 8 && Math.abs(b - 230) < 8, `rgb(${r},${g},${b}) is not the picture's blue`);
}

// Waits for the picture thumbnail inside `scope` to be drawn, and returns its
// size and the colour at its middle (drawn into a canvas).
async function shownPicture(page, scope) {
  const img = `${scope} .picture-thumb img`;
  await page.waitForFunction((sel) => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0; }, img);
  return page.$eval(img, (i) => {
    const c = document.createElement('canvas');
    c.width = i.naturalWidth;
    c.height = i.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(i, 0, 0);
    return { width: i.naturalWidth, height: i.naturalHeight, alt: i.alt, middle: Array.from(g.getImageData(c.width / 2, c.height / 2, 1, 1).data.slice(0, 3)) };
  });
}

test('a picture is uploaded, checked, printed on the candy in the preview, and kept with the order', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  // A guest is asked to sign in: pictures are kept with an account.
  await page.goto(shop.url + '/configure/candy');
  await settled(page);
  await page.setInputFiles('#pf-picture', { name: 'me.png', mimeType: 'image/png', buffer: png(400, [20, 40, 230]) });
  await page.waitForSelector('#err-picture a[href^="/login"]');

  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'candy@example.com');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);

  await page.goto(shop.url + '/configure/candy');
  await settled(page);
  const plain = await heroPixel(page);

  // Called .png, but not a picture: the shop reads the bytes and says so.
  await page.setInputFiles('#pf-picture', { name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not a picture at all') });
  await page.waitForFunction(() => /not a PNG or JPEG/.test(document.querySelector('#err-picture')?.textContent ?? ''));
  assert.equal(await page.getAttribute('#pf-picture', 'aria-invalid'), 'true');
  await page.screenshot({ path: join(screenshotDir, 'candy-picture-error.png'), fullPage: true });
  // Too small to print.
  await page.setInputFiles('#pf-picture', { name: 'tiny.png', mimeType: 'image/png', buffer: png(120, [20, 40, 230]) });
  await page.waitForFunction(() => /300x300/.test(document.querySelector('#err-picture')?.textContent ?? ''));
  assert.deepEqual(await heroPixel(page), plain, 'a refused picture is not printed');

  // A good one: uploaded, no error, drawn on the candy.
  await page.setInputFiles('#pf-picture', { name: 'portrait.png', mimeType: 'image/png', buffer: png(480, [20, 40, 230]) });
  await page.waitForSelector('.upload-status.ok');
  assert.equal((await page.textContent('#err-picture')).trim(), '');
  assert.match(await page.textContent('.upload-thumb'), /portrait\.png · PNG, 480×480/);
  await settled(page);
  const [r, g, b] = await heroPixel(page);
  assert.ok(Math.abs(r - 20) < 8 && Math.abs(g - 40) < 8 && Math.abs(b - 230) < 8, `the candy's middle is rgb(${r},${g},${b}), not the picture`);
  assert.match(page.url(), /p\.picture=upl_[0-9a-f]{32}/);

  // Finish it, add it to the cart built to order, and place the order.
  await page.click('button:has-text("Fill in the rest")');
  await settled(page);
  await page.screenshot({ path: join(screenshotDir, 'candy-picture.png'), fullPage: true });
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.offer.bto');
  await page.click('.offer.bto button.add');
  await page.waitForSelector('.offer.bto .add-msg.ok');
  await page.goto(shop.url + '/cart');
  await page.waitForSelector('.cart-line');
  assert.match(await page.textContent('.cart-lines'), /Printed picture: your PNG, 480×480/);
  // The cart shows the picture itself, as uploaded.
  const inCart = await shownPicture(page, '.cart-lines');
  assert.deepEqual([inCart.width, inCart.height], [480, 480]);
  assertBlue(inCart.middle);
  assert.match(inCart.alt, /Your picture for Printed picture/);
  await page.screenshot({ path: join(screenshotDir, 'candy-picture-cart.png'), fullPage: true });
  const pictureUrl = await page.getAttribute('.cart-lines .picture-thumb img', 'src');
  assert.match(pictureUrl, /^\/api\/v1\/uploads\/upl_[0-9a-f]{32}$/);
  await page.click('a:has-text("Checkout")');
  await fillAddress(page, { name: 'Ada Lovelace', line1: '12 St James Square', city: 'New York', postal_code: '10001' });
  await page.click('.checkout-form button[type=submit]');
  await page.waitForURL(/\/orders\/\d+/);
  await page.waitForSelector('.tracker');
  const orderId = page.url().match(/\/orders\/(\d+)/)[1];
  assert.match(await page.textContent('.cart-lines'), /Printed picture: your PNG, 480×480/);
  const inOrder = await shownPicture(page, '.cart-lines');
  assertBlue(inOrder.middle);
  await page.screenshot({ path: join(screenshotDir, 'candy-picture-order.png'), fullPage: true });
  // On a phone's width the picture and the address still fit.
  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the order page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-candy-picture-order.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Nobody else reads the picture: another shopper and a guest get nothing.
  const other = await browser.newContext();
  const guest = await other.request.get(shop.url + pictureUrl);
  assert.equal(guest.status(), 401);
  const registered = await other.request.post(shop.url + '/api/v1/auth/register', {
    data: { email: 'someone-else@example.com', password: 'correct horse battery staple', region: 'us-east' },
  });
  assert.equal(registered.status(), 201);
  assert.equal((await other.request.get(shop.url + pictureUrl)).status(), 404);
  await other.close();

  // The merchant sees it on the production board's order card.
  const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await admin.goto(shop.url + '/admin');
  await admin.fill('form.login input[name=key]', shop.key);
  await admin.press('form.login input[name=key]', 'Enter');
  await admin.waitForSelector('#admin-nav:not([hidden])');
  await admin.click('#admin-nav a:has-text("Production board")');
  const card = `.column[data-status=placed] [data-order="${orderId}"]`;
  await admin.waitForSelector(card);
  assert.match(await admin.textContent(card), /To Ada Lovelace · New York, NY 10001, US/);
  await admin.waitForFunction((sel) => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth === 480; }, `${card} .order-pictures img`);
  await admin.screenshot({ path: join(screenshotDir, 'admin-board-picture.png'), fullPage: true });
  await admin.close();

  // "Same as this order, but…" keeps the picture.
  await page.click('a.same-but');
  await page.waitForURL(/\/configure\/candy/);
  await settled(page);
  assert.match(await page.textContent('.upload-thumb'), /Your picture from before · PNG, 480×480/);
  // It is shown and printed on the candy again, from the shop's copy.
  await page.waitForSelector('.upload-thumb img');
  await page.waitForFunction(() => {
    const c = document.querySelector('.candy-preview canvas');
    const [r, g, b] = c.getContext('2d').getImageData(300, 220, 1, 1).data;
    return Math.abs(r - 20) < 8 && Math.abs(g - 40) < 8 && Math.abs(b - 230) < 8;
  });
  await context.close();
});
