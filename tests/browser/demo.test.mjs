// Browser test of the live demo page: two users in two browser contexts chat with each other.
// Runs Debian's Chromium (never a downloaded browser) against the server at CONFAB_URL, which must
// be running with Confab:Demo on. run.sh starts one and runs this.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const baseUrl = process.env.CONFAB_URL;
if (!baseUrl) throw new Error('Set CONFAB_URL to a Confab server running with Confab:Demo on (or use run.sh).');

const TIMEOUT = 10_000;

let browser;
const pageErrors = [];

before(async () => {
  // launch() gives the browser a fresh, throw-away user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** A new browser context (its own tab and storage) signed in as a demo user, showing the conversation list. */
async function signIn(userId) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => pageErrors.push(`${userId}: ${error.message}`));
  await page.goto(baseUrl);
  await page.getByTestId(`user-option-${userId}`).click();
  await page.getByTestId('conversation-item').first().waitFor();
  await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
  return page;
}

/** A valid RGB PNG of one colour, made here: signature, IHDR, deflated IDAT and IEND, each chunk with its CRC-32. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const check = Buffer.alloc(4);
    check.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, check]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const directWith = (page, peerId) => page.locator(`[data-testid="conversation-item"][data-peer-id="${peerId}"]`);
const message = (page, text) => page.getByTestId('message').filter({ hasText: text });

async function open(page, conversation) {
  await conversation.click();
  await page.locator('[data-testid="message-list"][data-count]').waitFor();
}

describe('the demo page, ava and ben in two tabs', () => {
  let ava;
  let ben;
  const stamp = Date.now().toString(36);
  const hello = `Hello Ben, are you there? ${stamp}`;
  const followUp = `Here is the deck ${stamp}`;

  before(async () => {
    ava = await signIn('ava');
    ben = await signIn('ben');
  });

  after(async () => {
    await ava?.context().close();
    await ben?.context().close();
  });

  test('each sees the other online in their direct conversation', async () => {
    await directWith(ava, 'ben').locator('[data-testid="presence-dot"][data-status="online"]').waitFor();
    await directWith(ben, 'ava').locator('[data-testid="presence-dot"][data-status="online"]').waitFor();
    await open(ava, directWith(ava, 'ben'));
    await open(ben, directWith(ben, 'ava'));
    assert.equal(await ava.getByTestId('chat-title').textContent(), 'Ben Okafor');
    assert.equal(await ben.getByTestId('chat-title').textContent(), 'Ava Stone');
  });

  test('ben sees ava typing while she types, and no longer once she leaves the message box', async () => {
    const composer = ava.getByTestId('composer-input');
    await composer.click();
    await ava.keyboard.type('Hmm, let me think', { delay: 15 });
    await ben.getByTestId('typing-indicator').filter({ hasText: 'Ava is typing…' }).waitFor();
    assert.match(await directWith(ben, 'ava').getByTestId('conversation-preview').textContent(), /typing/);

    // Leaving the box says isTyping: false at once, well before the server's 6 s expiry.
    await composer.blur();
    await ben.locator('[data-testid="typing-indicator"]:empty').waitFor({ timeout: 3000 });
    await composer.fill('');
  });

  test("ava's message appears in ben's tab when she presses Enter", async () => {
    await ava.getByTestId('composer-input').click();
    await ava.keyboard.type(hello, { delay: 15 });
    await ben.getByTestId('typing-indicator').filter({ hasText: 'Ava is typing…' }).waitFor();
    await ava.getByTestId('composer-input').press('Enter');

    await message(ben, hello).waitFor();
    assert.equal(await message(ben, hello).getAttribute('data-own'), 'false');
    assert.equal(await ava.getByTestId('composer-input').inputValue(), '');
    await ben.locator('[data-testid="typing-indicator"]:empty').waitFor({ timeout: 3000 });
  });

  test("ava's message shows as read once ben has viewed it", async () => {
    const mine = message(ava, hello);
    await mine.and(ava.locator('[data-own="true"][data-status="read"]')).waitFor();
    assert.equal(await mine.getByTestId('message-status').textContent(), '✓✓');
    assert.equal(await mine.getByTestId('message-status').getAttribute('data-status'), 'read');
    assert.equal(await directWith(ben, 'ava').getByTestId('unread-badge').count(), 0);
  });

  test('a message to a conversation ben is not viewing is delivered, counted unread, and read when he opens it', async () => {
    await open(ben, ben.locator('[data-testid="conversation-item"][data-conversation-type="group"]'));
    await ava.getByTestId('composer-input').fill(followUp);
    await ava.getByTestId('send-button').click();

    await directWith(ben, 'ava').getByTestId('unread-badge').filter({ hasText: /^1$/ }).waitFor();
    assert.match(await directWith(ben, 'ava').getByTestId('conversation-preview').textContent(), new RegExp(followUp));
    await message(ava, followUp).and(ava.locator('[data-status="delivered"]')).waitFor();

    await open(ben, directWith(ben, 'ava'));
    await message(ben, followUp).waitFor();
    await message(ava, followUp).and(ava.locator('[data-status="read"]')).waitFor();
    await directWith(ben, 'ava').getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  test('a photo ava picks reaches ben and loads through its signed URL', async () => {
    await ava.getByTestId('attach-input').setInputFiles({ name: `photo-${stamp}.png`, mimeType: 'image/png', buffer: png(48, 32) });

    const photo = ben.getByTestId('attachment-image').last();
    await photo.waitFor();
    await ben.waitForFunction((image) => image.complete && image.naturalWidth === 48, await photo.elementHandle());
    assert.match(await photo.getAttribute('src'), /\/files\/.+signature=/);
    await ava.getByTestId('attachment-image').last().waitFor();
    assert.match(await directWith(ben, 'ava').getByTestId('conversation-preview').textContent(), /Photo/);
  });

  test("a message ben sends while ava's socket is down shows up once when it is back", async () => {
    const whileAway = `while away ${stamp}`;
    await ava.evaluate(() => socket.stop());
    await ben.getByTestId('composer-input').fill(whileAway);
    await ben.getByTestId('send-button').click();
    // Stored (no longer pending) before ava comes back, so that it reaches her by the replay, not live.
    await message(ben, whileAway).and(ben.locator('[data-own="true"]:not([data-status="pending"])')).waitFor();

    // The first frame the widget sends is its resume (on a reconnect, as the socket opens).
    const firstFrame = new Promise((resolve) => {
      ava.on('websocket', (ws) => ws.once('framesent', (frame) => resolve(JSON.parse(frame.payload))));
    });
    const relisted = ava.waitForResponse((response) => new URL(response.url()).pathname === '/v1/conversations');
    await ava.evaluate(() => socket.connect());
    assert.equal((await firstFrame).type, 'resume');
    await ava.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await message(ava, whileAway).waitFor();
    assert.equal(await message(ava, whileAway).count(), 1);
    // After a drop the widget lists the conversations again; the next test needs that done.
    await relisted;
  });

  test('ava sees ben go offline when he closes his tab', async () => {
    await ben.context().close();
    ben = undefined;
    await directWith(ava, 'ben').locator('[data-testid="presence-dot"][data-status="offline"]').waitFor();
    assert.match(await ava.getByTestId('chat-subtitle').textContent(), /last seen|offline/);
  });

  test('no page threw an error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
