// keep/progress.js and keep/loudness.js finishSteps: a WAV download's bar moves with each kind of
// work (scheduling, the browser's render, finishing the file), never goes back, and is full only
// at the end.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, PHASES, SHARES } from '../../web_src/js/keep/progress.js';
import { finishSteps, finishTrack } from '../../web_src/js/keep/loudness.js';

function recorder() {
  const values = [];
  return { values, progress: createProgress((v) => values.push(v)) };
}

test('every phase moves the bar across its own share, in order, and only the end fills it', () => {
  const { values, progress } = recorder();
  let start = 0;
  for (const phase of PHASES) {
    const share = SHARES[phase];
    for (let i = 1; i <= 10; i += 1) progress.report(phase, i / 10);
    // Within the phase, the bar went from where the last phase left it to the end of this one's share.
    assert.ok(Math.abs(progress.value - (start + share)) < 1e-9, `${phase}: ${progress.value}`);
    start += share;
  }
  assert.equal(values.at(-1), 1);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
  assert.ok(values.slice(0, -1).every((v) => v < 1));
});

test('no phase holds the bar still for most of the wait: each is a minority but the render', () => {
  // The render (the browser's OfflineAudioContext) is most of the time; scheduling and finishing
  // each take a part. Before, the bar reached 90% when scheduling ended and waited there.
  assert.ok(SHARES.render > 0.5 && SHARES.schedule < 0.3 && SHARES.finish < 0.3);
  assert.ok(Math.abs(PHASES.reduce((s, p) => s + SHARES[p], 0) - 1) < 1e-9);
});

test('a report late or twice leaves the bar where it is; fractions are clamped', () => {
  const { values, progress } = recorder();
  progress.report('render', 0.5);
  progress.report('schedule', 1); // late: the render already went past
  progress.report('render', 0.5);
  progress.report('render', -3);
  assert.equal(values.length, 1);
  progress.report('finish', 7);
  assert.equal(progress.value, 1);
});

test('an unknown phase is refused in one line', () => {
  const { progress } = recorder();
  assert.throws(() => progress.report('encode', 0.5), /^Error: unknown render phase "encode" \(one of schedule, render, finish\)$/);
});

test('finishing yields rising fractions under 1 and returns what finishTrack returns', () => {
  const rate = 8000;
  const tone = (n, gain) => Float32Array.from({ length: n }, (_, i) => gain * Math.sin((2 * Math.PI * 440 * i) / rate));
  const channels = [tone(rate * 3, 0.05), tone(rate * 3, 0.05)];
  const steps = finishSteps(channels, rate);
  const fractions = [];
  let step = steps.next();
  while (!step.done) {
    fractions.push(step.value);
    step = steps.next();
  }
  assert.ok(fractions.length >= 3, fractions.join());
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  assert.ok(fractions.every((f) => f > 0 && f < 1));
  const whole = finishTrack(channels, rate);
  assert.equal(step.value.after, whole.after);
  assert.deepEqual(step.value.channels[0].slice(0, 100), whole.channels[0].slice(0, 100));
});
