// Opens the notifications page of two sample instances in Debian's headless Chromium, sends a notification from the
// page of the second, and checks that it appears on the page of the first (and of the second).
// Usage: node notifications.mjs <url of instance A> <url of instance B> <text>
import { chromium } from 'playwright-core';

const [urlA, urlB, text] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await pageA.goto(urlA);
  await pageB.goto(urlB);
  await pageA.waitForSelector('#status.connected', { timeout: 15000 });
  await pageB.waitForSelector('#status.connected', { timeout: 15000 });
  await pageB.fill('#text', text);
  await pageB.click('button[type=submit]');
  for (const page of [pageA, pageB]) {
    await page.waitForFunction((expected) => [...document.querySelectorAll('li.notification')]
      .some((item) => item.textContent.startsWith(expected + ' ')), text, { timeout: 15000 });
  }
  const seenOnA = await pageA.$$eval('li.notification', (items) => items.map((item) => item.textContent));
  console.log('SEEN ON A: ' + JSON.stringify(seenOnA));
} finally {
  await browser.close();
}
