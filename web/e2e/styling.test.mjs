// A human personal shopper in two real browsers against a real demo shop: a
// shopper asks with a spec sheet; a stylist (a staff account made by `atelier
// admin create-staff --role stylist`, in a second browser context) sees the
// request in the workspace, searches with the find tool prefilled from the
// sheet and sends a pick with a note; the shopper sees the pick and the note,
// buys it in one click and gets an order for that pick alone (what the cart
// holds stays there, and a retry gives the same order), shipped to the
// address saved on the account (without one, the page says to add it and
// links to the account's address form); and messages go both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { atelierBin, startBrowser, startShop, screenshotDir } from './harness.mjs';
const stylistEmail = 'stella@atelier.example';
const stylistPassword = 'stylist password 1';

// The stylist's staff account is made by the CLI in the shop's own store.
function startShopWithStylist() {
  return startShop({
    prepare: (dataDir) => execFileSync(atelierBin, ['admin', 'create-staff', '--email', stylistEmail, '--password', stylistPassword,
      '--role', 'stylist', '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  });
}

let shop, browser;
before(async () => {
  shop = await startShopWithStylist();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

test("a stylist's picks reach the shopper, who buys one in one click; messages go both ways", async () => {
  const shopperContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const stylistContext = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const shopper = await shopperContext.newPage();
  const stylist = await stylistContext.newPage();

  // ---- The shopper registers and asks for a personal shopper.
  await shopper.goto(shop.url + '/register');
  await shopper.fill('#f-email', 'grace@example.com');
  await shopper.fill('#f-password', 'correct horse battery staple');
  await shopper.click('form.auth-form button[type=submit]');
  await shopper.waitForURL(/\/account$/);
  await shopper.goto(shop.url + '/personal-shopper');
  await shopper.waitForSelector('#ask-stylist form.ask-form');
  // An error from the API lands next to its field.
  await shopper.fill('#ask-category', '');
  await shopper.click('#ask-stylist button[type=submit]');
  await shopper.waitForSelector('#ask-notes[aria-invalid="true"]');
  assert.match(await shopper.textContent('#ask-notes-error'), /tell the stylist/i);

  await shopper.fill('#ask-category', 'shoes');
  await shopper.fill('#ask-size', '10.5');
  await shopper.selectOption('#ask-width', 'XW');
  await shopper.fill('#ask-colour', 'burgundy');
  await shopper.fill('#ask-likes', 'leather, low heels');
  await shopper.fill('#ask-dislikes', 'suede');
  await shopper.fill('#ask-budget', '300');
  await shopper.fill('#ask-notes', 'Shoes for a June wedding; my feet are wide.');
  await shopper.locator('#ask-stylist').screenshot({ path: join(screenshotDir, 'styling-ask.png') });
  await shopper.click('#ask-stylist button[type=submit]');
  await shopper.waitForURL(/\/personal-shopper\?request=\d+$/);
  const requestUrl = shopper.url();
  await shopper.waitForSelector('.request-side .spec-sheet');
  assert.match(await shopper.textContent('.request-head .state'), new RegExp(stylistEmail.replace('.', '\\.')));
  assert.match(await shopper.textContent('.spec-sheet'), /Extra wide/);
  await shopper.waitForSelector('text=Your stylist is looking');

  // ---- The stylist signs in to the workspace and sees the request.
  await stylist.goto(shop.url + '/admin/stylist');
  await stylist.waitForSelector('form.login');
  assert.equal(await stylist.isVisible('#admin-nav'), false, 'no dashboard sections before signing in');
  await stylist.fill('form.login input[type=email]', stylistEmail);
  await stylist.fill('form.login input[type=password]', 'wrong password!');
  await stylist.click('form.login button[type=submit]');
  await stylist.waitForSelector('form.login input[type=password][aria-invalid="true"]');
  await stylist.fill('form.login input[type=password]', stylistPassword);
  await stylist.click('form.login button[type=submit]');
  await stylist.waitForSelector('.queue-list a:has-text("grace@example.com")');
  // Signed in without a merchant key: the Stylist section is in the
  // dashboard's navigation, the merchant's sections are not.
  await stylist.waitForSelector('#admin-nav a[href="/admin/stylist"]', { state: 'visible' });
  assert.deepEqual(await stylist.$$eval('#admin-nav a', (as) => as.filter((a) => !a.hidden).map((a) => a.textContent)), ['Stylist']);
  assert.equal(await stylist.getAttribute('#admin-nav a[href="/admin/stylist"]', 'aria-current'), 'page');
  // From the dashboard's front page the stylist finds the way back.
  await stylist.goto(shop.url + '/admin');
  await stylist.waitForSelector('form.login');
  await stylist.click('#admin-nav a[href="/admin/stylist"]');
  await stylist.waitForSelector('.queue-list a:has-text("grace@example.com")');
  await stylist.click('.queue-list a:has-text("grace@example.com")');
  await stylist.waitForSelector('.request-card .sheet');
  assert.match(await stylist.textContent('.request-card .sheet'), /burgundy/);

  // The find tool is prefilled from the spec sheet.
  const findForm = stylist.locator('form.find-form');
  assert.equal(await findForm.getByLabel('Size').inputValue(), '10.5');
  assert.equal(await findForm.getByLabel('Width').inputValue(), 'XW');
  assert.equal(await findForm.getByLabel('Budget (USD)').inputValue(), '300');
  await findForm.locator('button[type=submit]').click();
  await stylist.waitForSelector('.matches .match');
  await stylist.screenshot({ path: join(screenshotDir, 'styling-workspace-find.png'), fullPage: true });

  // The first match goes to the shopper with a note.
  const first = stylist.locator('.matches .match').first();
  const pickTitle = (await first.locator('.match-head strong').textContent()).trim();
  const note = 'Burgundy, extra wide and in your size: a classic derby for the wedding.';
  await first.locator('textarea').fill(note);
  await first.locator('button:has-text("Send pick")').click();
  await stylist.waitForSelector('h2:has-text("Picks sent (1)")');
  assert.match(await stylist.textContent('.sent-picks'), new RegExp(note.slice(0, 20)));
  // The search results stay: the custom shoe, made in the exact size, width
  // and colour, goes too.
  const custom = stylist.locator('.matches .match:has-text("made to order")').first();
  await custom.locator('textarea').fill('Or made for you, exactly to your sheet.');
  await custom.locator('button:has-text("Send pick")').click();
  await stylist.waitForSelector('h2:has-text("Picks sent (2)")');

  // And a message.
  await stylist.getByLabel('Message to the shopper').fill('Hi Grace, any heel height you avoid?');
  await stylist.click('form.chat-form button[type=submit]');
  await stylist.waitForSelector('.chat li.mine:has-text("any heel height")');

  // ---- The shopper sees the pick with its note, and the message.
  await shopper.goto(requestUrl);
  await shopper.waitForSelector('.pick-list .pick');
  assert.equal(await shopper.locator('.pick').count(), 2);
  assert.match(await shopper.locator('.pick').nth(1).textContent(), /Made for you/);
  assert.match(await shopper.textContent('.pick h3'), new RegExp(pickTitle.replace(/ \(made to order\)$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(await shopper.textContent('.pick .pick-note'), /classic derby for the wedding/);
  assert.match(await shopper.textContent('.thread li.theirs'), /any heel height/);
  await shopper.screenshot({ path: join(screenshotDir, 'styling-shopper-picks.png'), fullPage: true });

  // Messages back.
  await shopper.getByRole('textbox', { name: 'Write to your stylist' }).fill('Nothing above 3 cm, please. Thank you!');
  await shopper.click('form.message-form button[type=submit]');
  await shopper.waitForSelector('.thread li.mine:has-text("Nothing above 3 cm")');

  // The made-to-order pick goes into the cart, to think about.
  await shopper.locator('.pick').nth(1).locator('button:has-text("Add to cart")').click();
  await shopper.waitForSelector('.pick-status.ok:has-text("Added to your cart")');
  await shopper.waitForFunction(() => document.querySelector('#cart-count')?.textContent === '1');
  const cartBefore = await shopper.evaluate(async () => (await fetch('/api/v1/cart')).json());

  // One click ships to the address saved on the account; this shopper has
  // none yet: the page says so and links to the address form, which comes
  // back here.
  assert.match(await shopper.textContent('#buy-hint'), /add your address/);
  await shopper.locator('.pick').first().locator('button:has-text("Buy now")').click();
  await shopper.waitForSelector('.pick-status.field-error a.add-address');
  const refusal = await shopper.locator('.pick').first().locator('.pick-status').textContent();
  assert.match(refusal, /^Add a shipping address to your account to buy in one click/);
  assert.match(refusal, /Add your address$/);
  await shopper.evaluate(() => window.scrollTo(0, 0));  // the sticky header at the top of the full-page shot
  await shopper.screenshot({ path: join(screenshotDir, 'styling-no-address.png'), fullPage: true });
  await shopper.locator('.pick').first().locator('a.add-address').click();
  await shopper.waitForURL(/\/account\?next=.*#address$/);
  await shopper.waitForSelector('#address form.address-form');
  assert.equal(await shopper.evaluate(() => document.activeElement?.id), 'f-name');
  await shopper.fill('#f-name', 'Grace Hopper');
  await shopper.fill('#f-line1', '200 Water St');
  await shopper.fill('#f-city', 'Brooklyn');
  await shopper.fill('#f-postal_code', '11201');
  await shopper.selectOption('#f-state', 'NY');
  await shopper.screenshot({ path: join(screenshotDir, 'styling-account-address.png'), fullPage: true });
  await shopper.click('#address button[type=submit]');
  await shopper.waitForSelector('#address .saved-ok:has-text("Saved.")');
  assert.match(await shopper.textContent('#address .address'), /Brooklyn, NY 11201/);
  await shopper.click('#address a:has-text("Back to your personal shopper")');
  await shopper.waitForURL(/\/personal-shopper\?request=\d+$/);
  await shopper.waitForSelector('#buy-hint .ships-to');
  assert.match(await shopper.textContent('#buy-hint'), /It ships to Grace Hopper, Brooklyn, NY\./);
  await shopper.screenshot({ path: join(screenshotDir, 'styling-ships-to.png') });
  assert.deepEqual(await shopper.evaluate(async () => (await fetch('/api/v1/cart')).json()), cartBefore);

  // One click buys the first pick, and only it: the cart keeps the other.
  await shopper.locator('.pick').first().locator('button:has-text("Buy now")').click();
  await shopper.waitForURL(/\/orders\/\d+$/);
  const orderId = Number(shopper.url().match(/\/orders\/(\d+)$/)[1]);
  await shopper.waitForSelector('.tracker');
  await shopper.screenshot({ path: join(screenshotDir, 'styling-order.png'), fullPage: true });
  const order = await shopper.evaluate(async (id) => (await fetch(`/api/v1/orders/${id}`)).json(), orderId);
  assert.equal(order.id, orderId);
  assert.equal(order.lines.length, 1);
  assert.equal(order.lines[0].quantity, 1);
  assert.equal(order.lines[0].kind, 'product');
  assert.equal(order.shipping.state, 'NY');
  assert.match(await shopper.textContent('.ship-to'), /Grace Hopper\n200 Water St\nBrooklyn, NY 11201\nUnited States/);
  assert.equal(await shopper.textContent('#cart-count'), '1');
  const cartAfter = await shopper.evaluate(async () => (await fetch('/api/v1/cart')).json());
  assert.deepEqual(cartAfter, cartBefore);
  await shopper.goto(shop.url + '/cart');
  await shopper.waitForSelector('.cart-line');
  assert.equal(await shopper.locator('.cart-line').count(), 1);

  // A retried click (the same Idempotency-Key) gets the same order back.
  const retried = await shopper.evaluate(async (url) => {
    const request = url.match(/request=(\d+)/)[1];
    const me = await (await fetch('/api/v1/auth/me')).json();
    const pick = (await (await fetch(`/api/v1/stylist-requests/${request}`)).json()).picks[0];
    const buy = () => fetch(`/api/v1/stylist-requests/${request}/picks/${pick.id}/buy`, {
      method: 'POST', body: '{}',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, 'Idempotency-Key': 'e2e-one-click-retry' },
    }).then(async (r) => ({ status: r.status, id: (await r.json()).order?.id }));
    return [await buy(), await buy()];
  }, requestUrl);
  assert.equal(retried[0].status, 201);
  assert.deepEqual(retried[1], retried[0]);
  assert.deepEqual(await shopper.evaluate(async () => (await fetch('/api/v1/cart')).json()), cartBefore);

  // The request page shows it was bought.
  await shopper.goto(requestUrl);
  await shopper.waitForSelector(`.pick .bought a[href="/orders/${orderId}"]`);
  assert.equal(await shopper.locator('.pick .bought').count(), 1);
  assert.equal(await shopper.locator('.pick').first().locator('.bought a').count(), 2);

  // ---- The stylist sees the shopper's answer and the purchase.
  await stylist.reload();
  await stylist.waitForSelector('.chat li.theirs:has-text("Nothing above 3 cm")');
  assert.match(await stylist.textContent('.sent-picks .bought'), new RegExp(`#${orderId}`));
  await stylist.screenshot({ path: join(screenshotDir, 'styling-workspace-conversation.png'), fullPage: true });

  // ---- On a phone's width the request page still reads.
  const phone = await shopperContext.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(requestUrl);
  await phone.waitForSelector('.pick-list .pick');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px on a phone`);
  await phone.screenshot({ path: join(screenshotDir, 'styling-shopper-phone.png'), fullPage: true });

  await shopperContext.close();
  await stylistContext.close();
});

test('a shopper cannot open another shopper\'s request', async () => {
  const a = await browser.newContext();
  const page = await a.newPage();
  await page.goto(shop.url + '/register');
  await page.fill('#f-email', 'mallory@example.com');
  await page.fill('#f-password', 'correct horse battery staple');
  await page.click('form.auth-form button[type=submit]');
  await page.waitForURL(/\/account$/);
  await page.goto(shop.url + '/personal-shopper?request=1');
  await page.waitForSelector('h1:has-text("Request not found")');
  const status = await page.evaluate(async () => (await fetch('/api/v1/stylist-requests/1')).status);
  assert.equal(status, 404);
  await a.close();
});
