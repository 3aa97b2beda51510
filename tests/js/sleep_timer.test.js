// audio/sleep_timer.js and the words the page shows for it (ui/sleep.js), without a browser: the
// timer pauses only what is playing, once, and says so; bad times are refused in words. (The fade
// itself needs Tone.js: tests/test_sleep_timer_browser.py hears it.)
import test from 'node:test';
import assert from 'node:assert/strict';

import { createSleepTimer, SLEEP_MAX_MINUTES } from '../../web_src/js/audio/sleep_timer.js';
import { sleepWords } from '../../web_src/js/ui/sleep.js';

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function timerWith({ playing }) {
  const calls = { pauses: 0, changes: [] };
  const timer = createSleepTimer({
    isPlaying: () => playing,
    pause: async () => {
      calls.pauses += 1;
    },
    onChange: (change) => calls.changes.push(change),
  });
  return { timer, calls };
}

test('a timer that runs out pauses the music once and says it did', async () => {
  const { timer, calls } = timerWith({ playing: true });
  const info = timer.set(0.001); // 60 ms
  assert.ok(info.endsAt > Date.now() && info.remainingMs <= 60 && info.fading === false);
  await wait(200);
  assert.equal(calls.pauses, 1);
  assert.deepEqual(calls.changes, [{ fired: false }, { fired: true }]);
  assert.equal(timer.info(), null);
});

test('nothing playing when it runs out: nothing is paused, the timer clears', async () => {
  const { timer, calls } = timerWith({ playing: false });
  timer.set(0.001);
  await wait(200);
  assert.equal(calls.pauses, 0);
  assert.deepEqual(calls.changes.at(-1), { fired: false });
  assert.equal(timer.info(), null);
});

test('turning it off, or setting another, cancels the one before', async () => {
  const { timer, calls } = timerWith({ playing: true });
  timer.set(0.001);
  assert.equal(timer.set(null), null);
  timer.set(0.002);
  timer.set(0);
  await wait(250);
  assert.equal(calls.pauses, 0);
});

test('a time that is not a number of minutes up to a day is refused in words', () => {
  const { timer } = timerWith({ playing: true });
  for (const bad of [-1, 'soon', SLEEP_MAX_MINUTES + 1, Number.NaN]) {
    assert.throws(() => timer.set(bad), /a sleep timer is up to 1440 minutes/);
  }
  assert.equal(timer.info(), null);
});

test('the time left in plain words', () => {
  assert.equal(sleepWords(null), '');
  assert.equal(sleepWords({ remainingMs: 29.2 * 60_000, fading: false }), 'stops in 30 min');
  assert.equal(sleepWords({ remainingMs: 50_000, fading: false }), 'stopping soon');
  assert.equal(sleepWords({ remainingMs: 20 * 60_000, fading: true }), 'stopping soon');
});
