// Buying in a real browser against a real demo shop: register, fill the cart
// with a product and a configured SUV built to order, check out (the state
// the shop needs for a US address, and "Save this address for next time"),
// follow the order, start a new configuration from it, and find the address
// saved on the account and filled in at the next checkout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fillAddress, startShop, startBrowser, screenshotDir } from './harness.mjs';

let shop, browser;
before(async () => {
  shop = await startShop();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

async function settled(page) {
  await page.waitForSelector('.configurator:not(.pending) .cfg-price:not(:empty)');
}

test('register, fill the cart, check out and follow the order', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  // Errors from the API appear next to the field at fault.
  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'not-an-email');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForSelector('#f-email[aria-invalid="true"]');
  assert.notEqual((await page.textContent('#f-email-error')).trim(), '');
  await page.screenshot({ path: join(screenshotDir, 'register-error.png') });

  await page.fill('#f-email', 'ada@example.com');
  await page.selectOption('#f-region', 'us-west');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);
  await page.waitForSelector('text=No orders yet');
  assert.equal(await page.textContent('#account-link'), 'Account');

  // A standard product in stock, added from its product page (found through
  // the catalog API, so that this test does not depend on search).
  const listing = await (await fetch(shop.url + '/api/v1/products?category=video-games-consoles-controllers&per_page=20')).json();
  const product = listing.items.find((p) => !p.model_id && p.total_stock >= 2);
  assert.ok(product, 'no controller in stock');
  await page.goto(shop.url + `/p/${product.id}`);
  await page.waitForSelector('.add-to-cart');
  await page.fill('#add-qty', '2');
  await page.click('.add-to-cart button[type=submit]');
  await page.waitForSelector('.add-to-cart .add-msg.ok');
  assert.equal(await page.textContent('#cart-count'), '2');

  // A red SUV with the tow package, completed and built to order.
  await page.goto(shop.url + '/configure/suv?colour=red&towing=true&engine=v6');
  await settled(page);
  await page.click('button:has-text("Fill in the rest")');
  await settled(page);
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.offer.bto');
  await page.click('.offer.bto button.add');
  await page.waitForSelector('.offer.bto .add-msg.ok');
  assert.equal(await page.textContent('#cart-count'), '3');

  // The cart: change a quantity, see the subtotal follow.
  await page.click('#cart-link');
  await page.waitForSelector('.cart-line');
  assert.equal(await page.locator('.cart-line').count(), 2);
  const before = await page.textContent('.subtotal');
  await page.click('.cart-line >> nth=0 >> button[aria-label^="One fewer"]');
  await page.waitForFunction((b) => document.querySelector('.subtotal')?.textContent !== b, before);
  assert.equal(await page.textContent('#cart-count'), '2');
  assert.match(await page.textContent('.cart-lines'), /Atelier Trailhead SUV/);
  assert.ok((await page.textContent('.cart-lines')).includes(product.title));
  await page.screenshot({ path: join(screenshotDir, 'cart.png'), fullPage: true });

  // Checkout: a missing name is reported on the name field before the shop
  // is asked; the shop's own check of the ZIP code comes back under the ZIP
  // field.
  await page.click('a:has-text("Checkout")');
  await page.waitForSelector('.checkout-form');
  for (const [id, token] of [['#f-name', 'name'], ['#f-line1', 'address-line1'], ['#f-line2', 'address-line2'],
    ['#f-city', 'address-level2'], ['#f-state', 'address-level1'], ['#f-postal_code', 'postal-code'], ['#f-country', 'country']]) {
    assert.equal(await page.getAttribute(id, 'autocomplete'), `shipping ${token}`, id);
    assert.ok(await page.locator(`label[for="${id.slice(1)}"]`).count(), `${id} has a label`);
  }
  await fillAddress(page, { line1: '1 Infinite Loop', city: 'Cupertino', postal_code: '95014!' });
  await page.click('.checkout-form button[type=submit]');
  await page.waitForSelector('#f-name[aria-invalid="true"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name');
  assert.match(await page.textContent('#f-name-error'), /name to deliver to/);
  await page.fill('#f-name', 'Ada Lovelace');
  await page.click('.checkout-form button[type=submit]');
  await page.waitForSelector('#f-postal_code[aria-invalid="true"]');
  assert.match(await page.textContent('#f-postal_code-error'), /ZIP or postal code is 2 to 12 letters/);
  assert.equal(await page.textContent('#f-name-error'), '');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-postal_code');
  await page.screenshot({ path: join(screenshotDir, 'checkout-error.png'), fullPage: true });
  await page.fill('#f-postal_code', '95014');
  assert.equal(await page.getAttribute('#f-postal_code', 'aria-invalid'), null, 'the error goes once the field changes');
  // The ZIP code tells the state; the shopper can change it.
  assert.equal(await page.textContent('label[for="f-state"]'), 'State');
  assert.equal(await page.inputValue('#f-state'), 'CA');
  // A US address needs its state: the shop's answer goes beside the field.
  await page.selectOption('#f-state', '');
  await page.click('.checkout-form button[type=submit]');
  await page.waitForSelector('#f-state[aria-invalid="true"]');
  assert.equal(await page.textContent('#f-state-error'), 'Choose the state.');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-state');
  await page.screenshot({ path: join(screenshotDir, 'checkout-state-error.png'), fullPage: true });
  // The list follows the country: Canada's provinces, then back.
  await page.selectOption('#f-country', 'CA');
  assert.equal(await page.textContent('label[for="f-state"]'), 'Province or territory');
  assert.ok(await page.locator('#f-state option[value="QC"]').count());
  await page.selectOption('#f-country', 'US');
  await page.selectOption('#f-state', 'CA');
  assert.equal(await page.getAttribute('#f-state', 'aria-invalid'), null, 'the error goes once the state is chosen');
  // "Save this address for next time" is ticked unless the shopper unticks it.
  assert.equal(await page.isChecked('#f-save_address'), true);
  assert.ok(await page.locator('label[for="f-save_address"]').count());
  await page.screenshot({ path: join(screenshotDir, 'checkout.png'), fullPage: true });
  await page.click('.checkout-form button[type=submit]');
  await page.waitForURL(/\/orders\/\d+/);
  await page.waitForSelector('.tracker');
  assert.match(await page.textContent('.notice.ok'), /order is placed/);
  assert.match(await page.textContent('.expected'), /Expected delivery: \w{3}, \w{3} \d+, \d{4}/);
  const steps = await page.$$eval('.tracker .step-name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(steps, ['Placed', 'In production', 'Built', 'Shipped', 'Delivered']);
  assert.match(await page.textContent('.tracker li.done'), /Placed/);
  assert.equal(await page.textContent('#cart-count'), '0');
  const shipTo = await page.textContent('.ship-to');
  for (const part of ['Delivering to', 'Ada Lovelace', '1 Infinite Loop', 'Cupertino, CA 95014', 'United States']) {
    assert.ok(shipTo.includes(part), `the order page's address lacks "${part}": ${shipTo}`);
  }
  await page.screenshot({ path: join(screenshotDir, 'order.png'), fullPage: true });

  // "Same as this order, but…" opens the configurator with the order's picks.
  await page.click('a.same-but');
  await page.waitForURL(/\/configure\/suv/);
  await settled(page);
  await page.waitForSelector('.notice.source:not([hidden])');
  assert.equal(await page.getAttribute('button.chip[data-option="colour"][data-value="red"]', 'aria-pressed'), 'true');
  assert.equal(await page.getAttribute('button.chip[data-option="towing"][data-value="true"]', 'aria-pressed'), 'true');
  assert.match(await page.textContent('.cfg-complete'), /Complete/);

  // The account page lists the order, and the address checkout saved.
  await page.goto(shop.url + '/account');
  await page.waitForSelector('table.orders');
  assert.match(await page.textContent('table.orders'), /Placed/);
  assert.equal(await page.textContent('#address .address'), 'Ada Lovelace\n1 Infinite Loop\nCupertino, CA 95014\nUnited States');
  await page.screenshot({ path: join(screenshotDir, 'account.png'), fullPage: true });

  // The next checkout starts from the saved address.
  await page.goto(shop.url + `/p/${product.id}`);
  await page.click('.add-to-cart button[type=submit]');
  await page.waitForSelector('.add-to-cart .add-msg.ok');
  await page.goto(shop.url + '/checkout');
  await page.waitForSelector('.checkout-form');
  assert.match(await page.textContent('.checkout-form .prefilled'), /saved on your account/);
  for (const [id, value] of [['#f-name', 'Ada Lovelace'], ['#f-line1', '1 Infinite Loop'], ['#f-city', 'Cupertino'],
    ['#f-state', 'CA'], ['#f-postal_code', '95014'], ['#f-country', 'US']]) {
    assert.equal(await page.inputValue(id), value, id);
  }
  await page.screenshot({ path: join(screenshotDir, 'checkout-prefilled.png'), fullPage: true });

  // Changed on the account page: Canada, with a province; the shop's own
  // check of the postal code comes back under the field.
  await page.goto(shop.url + '/account');
  await page.click('#address button:has-text("Change address")');
  await page.waitForSelector('#address form.address-form');
  await page.selectOption('#f-country', 'CA');
  assert.equal(await page.inputValue('#f-state'), '', 'California is not a province');
  await page.fill('#f-line1', '1 Lovelace Ave');
  await page.fill('#f-city', 'Toronto');
  await page.fill('#f-postal_code', 'M5V 2T6!');
  await page.selectOption('#f-state', 'ON');
  await page.click('#address button[type=submit]');
  await page.waitForSelector('#f-postal_code[aria-invalid="true"]');
  assert.match(await page.textContent('#f-postal_code-error'), /ZIP or postal code is 2 to 12 letters/);
  await page.screenshot({ path: join(screenshotDir, 'account-address-error.png'), fullPage: true });
  await page.fill('#f-postal_code', 'M5V 2T6');
  await page.click('#address button[type=submit]');
  await page.waitForSelector('#address .saved-ok:has-text("Saved.")');
  assert.equal(await page.textContent('#address .address'), 'Ada Lovelace\n1 Lovelace Ave\nToronto ON M5V 2T6\nCanada');
  await page.screenshot({ path: join(screenshotDir, 'account-address.png'), fullPage: true });
  await context.close();
});

test('the cart and an order fit a phone screen', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'grace@example.com');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);
  await page.goto(shop.url + '/configure/tablet?model=s11&storage=128gb&colour=midnight&connectivity=wifi&pencil=false&case=folio&p.engraving=Hello&p.engraving.font=sans');
  await settled(page);
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.offer.bto');
  await page.click('.offer.bto button.add');
  await page.waitForSelector('.offer.bto .add-msg.ok');
  await page.goto(shop.url + '/cart');
  await page.waitForSelector('.cart-line');
  assert.match(await page.textContent('.cart-line'), /Engraving: “Hello”/);
  let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `cart is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-cart.png'), fullPage: true });
  await page.click('a:has-text("Checkout")');
  await page.waitForSelector('.checkout-form');
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `checkout is ${overflow}px wider than the phone`);
  await fillAddress(page, { name: 'Grace Hopper', line1: '1 Navy Yard', line2: 'Building 4, floor 2', city: 'Arlington', postal_code: '22202', region: 'us-east' });
  await page.selectOption('#f-state', 'VA');
  // Not this time: the address is not saved.
  await page.uncheck('#f-save_address');
  await page.evaluate(() => window.scrollTo(0, 0));  // the sticky header at the top of the full-page shot
  await page.screenshot({ path: join(screenshotDir, 'phone-checkout.png'), fullPage: true });
  // Keyboard only: Enter in the last field places the order.
  await page.press('#f-postal_code', 'Enter');
  await page.waitForSelector('.tracker');
  assert.match(await page.textContent('.ship-to'), /Building 4, floor 2\nArlington, VA 22202/);
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `order page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-order.png'), fullPage: true });

  // Changed her mind: a placed order can be cancelled, after a confirmation.
  await page.click('button:has-text("Cancel this order")');
  await page.click('button:has-text("Yes, cancel it")');
  await page.waitForSelector('.order-head .status-cancelled');
  assert.match(await page.textContent('.tracker'), /Cancelled/);
  // Unticked: nothing saved; the account page offers to add one.
  await page.goto(shop.url + '/account');
  await page.waitForSelector('#address button:has-text("Add an address")');
  assert.equal(await page.locator('#address .address').count(), 0);
  assert.match(await page.textContent('#address'), /No delivery address saved yet/);
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `account page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(screenshotDir, 'phone-account.png'), fullPage: true });
  await context.close();
});

test('"same as this order, but…" from an SUV bought from stock: one change, the new price, into the cart', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'katherine@example.com');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);

  // An SUV in stock, and a standard product, bought together.
  await page.goto(shop.url + '/configure/suv');
  await settled(page);
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.avail-block:has(#av-exact) .offer button.add');
  await page.click('.avail-block:has(#av-exact) .offer button.add >> nth=0');
  await page.waitForSelector('.avail-block:has(#av-exact) .add-msg.ok');
  const listing = await (await fetch(shop.url + '/api/v1/products?category=video-games-consoles-controllers&per_page=20')).json();
  const product = listing.items.find((p) => !p.model_id && p.total_stock >= 1);
  await page.goto(shop.url + `/p/${product.id}`);
  await page.click('.add-to-cart button[type=submit]');
  await page.waitForSelector('.add-to-cart .add-msg.ok');
  await page.goto(shop.url + '/checkout');
  await fillAddress(page, { name: 'Katherine Johnson', line1: '1 NASA Parkway', city: 'Hampton', postal_code: '23666' });
  await page.selectOption('#f-state', 'VA');
  await page.click('.checkout-form button[type=submit]');
  await page.waitForURL(/\/orders\/\d+/);
  await page.waitForSelector('.tracker');
  const orderUrl = page.url();
  assert.match(await page.textContent('.cart-lines'), /From stock/);

  // The standard product: bought again from its page.
  await page.click(`.cart-line:has-text("${product.title.replace(/"/g, '\\"')}") a.buy-again`);
  await page.waitForURL(new RegExp(`/p/${product.id}$`));
  await page.waitForSelector('.add-to-cart');

  // The SUV: the configurator opens with exactly the unit's picks.
  await page.goto(orderUrl);
  await page.waitForSelector('a.same-but');
  await page.click('a.same-but');
  await page.waitForURL(/\/configure\/suv/);
  await settled(page);
  await page.waitForSelector('.notice.source:not([hidden])');
  assert.match(await page.textContent('.cfg-complete'), /Complete/);
  const was = await page.textContent('.cfg-price');
  const colour = await page.getAttribute('button.chip[data-option="colour"][aria-pressed="true"]', 'data-value');
  assert.ok(colour, 'the order\'s colour is picked');

  // One change: another colour that costs something else.
  const other = await page.$$eval('button.chip[data-option="colour"]:not(.unavailable)', (bs, c) =>
    bs.filter((b) => b.dataset.value !== c && b.querySelector('.delta')?.textContent).map((b) => b.dataset.value), colour);
  const candidates = other.length ? other : await page.$$eval('button.chip[data-option="colour"]:not(.unavailable)', (bs, c) => bs.map((b) => b.dataset.value).filter((v) => v !== c), colour);
  assert.ok(candidates.length, 'another colour is available');
  let changedTo = null;
  for (const value of candidates) {
    await page.click(`button.chip[data-option="colour"][data-value="${value}"]`);
    await settled(page);
    if ((await page.textContent('.cfg-price')) !== was) { changedTo = value; break; }
  }
  assert.ok(changedTo, 'some other colour changes the price');
  assert.equal(await page.getAttribute(`button.chip[data-option="colour"][data-value="${changedTo}"]`, 'aria-pressed'), 'true');
  assert.match(await page.textContent('.cfg-complete'), /Complete/);
  await page.screenshot({ path: join(screenshotDir, 'same-but-changed.png'), fullPage: true });

  // Into the cart, built to order at the new price.
  const price = (await page.textContent('.cfg-price')).trim();
  await page.click('.avail-form button[type=submit]');
  await page.waitForSelector('.offer.bto');
  assert.equal((await page.textContent('.offer.bto .price')).trim(), price);
  await page.click('.offer.bto button.add');
  await page.waitForSelector('.offer.bto .add-msg.ok');
  await page.goto(shop.url + '/cart');
  await page.waitForSelector('.cart-line');
  assert.ok((await page.textContent('.cart-lines')).includes(price));
  await context.close();
});
