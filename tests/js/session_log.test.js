// audio/session_log.js: the session log stays bounded however long the music plays, keeping the
// newest events in order.
import test from 'node:test';
import assert from 'node:assert/strict';
import { appendToLog, LOG_LIMIT } from '../../web_src/js/audio/session_log.js';

test('eight hours of events (420 a minute) leave at most LOG_LIMIT, the newest, in order', () => {
  const log = [];
  const events = 8 * 60 * 420;
  let longest = 0;
  for (let i = 0; i < events; i += 1) {
    appendToLog(log, { i });
    longest = Math.max(longest, log.length);
  }
  assert.equal(longest, LOG_LIMIT);
  assert.ok(log.length > (LOG_LIMIT * 3) / 4);
  assert.equal(log.at(-1).i, events - 1);
  assert.ok(log.every((e, k) => k === 0 || e.i === log[k - 1].i + 1));
});

test('under the limit nothing is dropped; any limit holds', () => {
  const log = [];
  for (let i = 0; i < 10; i += 1) appendToLog(log, i, 16);
  assert.deepEqual(log, [...Array(10).keys()]);
  const tiny = [];
  for (let i = 0; i < 10; i += 1) appendToLog(tiny, i, 2);
  assert.ok(tiny.length <= 2 && tiny.at(-1) === 9);
});
