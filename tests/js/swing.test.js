// The one groove (audio/swing.js): MPC swing in ticks for every part, and the seeded humanisation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SWING, HUMANISE, humanise, humanVelocity, seedOf, swingOffsetTicks, swingPercent, swungTicks } from '../../web_src/js/audio/swing.js';
import { drumEvents } from '../../web_src/js/audio/drums.js';

test('50% is straight; anything under it (0, missing) is straight too; 75% is the most', () => {
  for (const swing of [50, 0, null, undefined, 'x', -3]) {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((s) => swungTicks(s, swing)), [0, 48, 96, 144, 192, 240, 288, 336]);
  }
  assert.equal(swingPercent(90), 75);
  assert.equal(swingPercent(58), 58);
});

test('the off-beat eighth falls at swing percent of the quarter; the off-beat sixteenths half as late', () => {
  // 66.67%: the triplet feel, the "and" a third of a quarter (64 ticks) before the next beat.
  assert.equal(swungTicks(2, 200 / 3), 128);
  assert.equal(swingOffsetTicks(1, 200 / 3), 16);
  assert.equal(swingOffsetTicks(3, 200 / 3), 16);
  // 58%: 0.08 of a quarter (15.36 ticks) for the eighth, 7.68 for the sixteenths, rounded.
  assert.deepEqual([0, 1, 2, 3].map((s) => swingOffsetTicks(s, 58)), [0, 8, 15, 8]);
  // The same in every quarter of every bar.
  for (let step = 0; step < 64; step++) assert.equal(swingOffsetTicks(step, 58), [0, 8, 15, 8][step % 4]);
  // In order: a swung event never passes the next one.
  for (const swing of [50, 54, 58, 62, 66, 75]) {
    const ticks = Array.from({ length: 17 }, (_, s) => swungTicks(s, swing));
    assert.ok(ticks.every((t, i) => i === 0 || t > ticks[i - 1]), `${swing}: ${ticks}`);
  }
  // The late share of an eighth is the same ratio for eighths and sixteenths (MPC 8th and 16th swing).
  assert.equal(swungTicks(2, 62.5) / 192, 0.625);
  assert.equal(swungTicks(1, 62.5) / 96, 0.625);
});

test('the drums swing by the same function as the music', () => {
  const pattern = { bars: 1, swing: 57, lanes: [{ name: 'hat', gain: 1, hits: Array.from({ length: 16 }, (_, s) => [s, 1]) }] };
  const ticks = drumEvents(pattern, { loopBars: 1 }).map((e) => parseInt(e.time, 10));
  assert.deepEqual(ticks, Array.from({ length: 16 }, (_, s) => swungTicks(s, 57)));
  // A session's swing (the song's) overrides the pattern's own.
  const songs = drumEvents(pattern, { loopBars: 1, swing: 62 }).map((e) => parseInt(e.time, 10));
  assert.deepEqual(songs, Array.from({ length: 16 }, (_, s) => swungTicks(s, 62)));
  assert.ok(DEFAULT_SWING >= 54 && DEFAULT_SWING <= 62);
});

test('humanisation is light, seeded and repeatable', () => {
  const a = Array.from({ length: 200 }, (_, s) => humanise(7, 'melody', s));
  assert.deepEqual(a, Array.from({ length: 200 }, (_, s) => humanise(7, 'melody', s)));
  assert.notDeepEqual(a, Array.from({ length: 200 }, (_, s) => humanise(8, 'melody', s)));
  assert.notDeepEqual(a, Array.from({ length: 200 }, (_, s) => humanise(7, 'chords', s)));
  assert.ok(a.every((h) => Math.abs(h.seconds) <= HUMANISE.seconds && Math.abs(h.velocity) <= HUMANISE.velocity));
  // Spread over the whole range, centred.
  const mean = a.reduce((sum, h) => sum + h.seconds, 0) / a.length;
  assert.ok(Math.abs(mean) < HUMANISE.seconds / 5, `${mean}`);
  assert.ok(Math.max(...a.map((h) => h.seconds)) > HUMANISE.seconds * 0.8);
  assert.ok(Math.min(...a.map((h) => h.velocity)) < -HUMANISE.velocity * 0.8);
  assert.equal(humanVelocity(0.99, { velocity: 0.05 }), 1);
  assert.equal(seedOf('ai'), seedOf('ai'));
  assert.notEqual(seedOf('ai'), seedOf('first-light'));
});
