// npm test's preparation: without Chromium and without root, it stops with
// what to install instead of failing later in a browser test.
import { ensureChromium } from '../scripts/lib/deps.mjs';

test('a missing Chromium, not as root: the message says what to install', () => {
  const logged: string[] = [];
  expect(() =>
    ensureChromium((m) => logged.push(m), { chromium: '/nonexistent/chromium', isRoot: false }),
  ).toThrow(/Chromium is missing \(\/nonexistent\/chromium\).*apt-get install -y chromium.*CHROMIUM_PATH/);
  expect(logged).toEqual([]);
});

test('a Chromium already there: nothing to install, nothing said', () => {
  const logged: string[] = [];
  ensureChromium((m) => logged.push(m), { chromium: process.execPath, isRoot: false });
  expect(logged).toEqual([]);
});
