// audio/heard.js without a browser: callbacks run when the audio clock reaches their time, in
// time order, one timer at a time; late ones are dropped as Tone.Draw drops them; a clock that
// stands still (a paused context) holds them; cancel() drops them all. And the bus's fixed mixes
// (audio/bus_effects.js): Tone's equal-power crossfade and Tone.Reverb's impulse envelope.
import test from 'node:test';
import assert from 'node:assert/strict';

import { createHeard } from '../../web_src/js/audio/heard.js';
import { equalPowerGains, impulseResponse } from '../../web_src/js/audio/bus_effects.js';

// A hand-driven clock and timer: advance(s) moves the wall clock (and the audio clock while it
// runs) and fires the timers that are due.
function fakeClock() {
  const state = { now: 0, wall: 0, running: true, timers: new Map(), next: 1, armed: [] };
  const heard = createHeard({
    clock: () => state.now,
    running: () => state.running,
    setTimer: (fn, ms) => {
      const id = state.next++;
      state.timers.set(id, { fn, at: state.wall + ms / 1000 });
      state.armed.push(ms);
      return id;
    },
    clearTimer: (id) => state.timers.delete(id),
  });
  state.advance = (seconds) => {
    state.wall += seconds;
    if (state.running) state.now += seconds;
    for (const [id, timer] of [...state.timers]) {
      if (timer.at <= state.wall + 1e-9) {
        state.timers.delete(id);
        timer.fn();
      }
    }
  };
  return { heard, state };
}

test('callbacks run at their audio time, in order, with one timer armed', () => {
  const { heard, state } = fakeClock();
  const seen = [];
  heard.schedule(() => seen.push('b'), 0.2);
  heard.schedule(() => seen.push('a'), 0.1);
  heard.schedule(() => seen.push('c'), 0.3);
  assert.equal(state.timers.size, 1);
  state.advance(0.05);
  assert.deepEqual(seen, []);
  state.advance(0.05);
  assert.deepEqual(seen, ['a']);
  state.advance(0.1);
  assert.deepEqual(seen, ['a', 'b']);
  state.advance(0.1);
  assert.deepEqual(seen, ['a', 'b', 'c']);
  assert.equal(heard.size, 0);
  assert.equal(state.timers.size, 0, 'nothing left to wait for: no timer');
});

test('a callback found too late is dropped, the next still runs', () => {
  const { heard, state } = fakeClock();
  const seen = [];
  heard.schedule(() => seen.push('late'), 0.1);
  heard.schedule(() => seen.push('on time'), 0.6);
  // The timer comes 0.4 s late (a hidden tab's timers are held back).
  const [[id, timer]] = [...state.timers];
  state.timers.set(id, { ...timer, at: 0.5 });
  state.advance(0.5);
  assert.deepEqual(seen, []);
  state.advance(0.1);
  assert.deepEqual(seen, ['on time']);
});

test('a still clock holds callbacks until it moves', () => {
  const { heard, state } = fakeClock();
  const seen = [];
  state.running = false;
  heard.schedule(() => seen.push('x'), 0.1);
  assert.equal(state.armed.at(-1), 250, 'a paused clock is looked at again, not waited on');
  state.advance(1);
  assert.deepEqual(seen, []);
  assert.equal(state.timers.size, 1, 'still looking');
  state.running = true;
  state.advance(0.25);
  assert.deepEqual(seen, ['x']);
});


test('cancel drops everything still waiting; a throwing callback does not stop the rest', () => {
  const { heard, state } = fakeClock();
  const seen = [];
  const quiet = console.error;
  console.error = () => {};
  try {
    heard.schedule(() => {
      throw new Error('boom');
    }, 0.1);
    heard.schedule(() => seen.push('after'), 0.1);
    state.advance(0.1);
    assert.deepEqual(seen, ['after']);
  } finally {
    console.error = quiet;
  }
  heard.schedule(() => seen.push('never'), 0.5);
  heard.cancel();
  assert.equal(heard.size, 0);
  assert.equal(state.timers.size, 0);
  state.advance(1);
  assert.deepEqual(seen, ['after']);
});

test("the reverb's dry and wet gains are Tone's equal-power crossfade", () => {
  const [dry, wet] = equalPowerGains(0.28);
  assert.ok(Math.abs(dry - Math.cos(0.14 * Math.PI)) < 1e-12);
  assert.ok(Math.abs(wet - Math.sin(0.14 * Math.PI)) < 1e-12);
  assert.ok(Math.abs(dry * dry + wet * wet - 1) < 1e-12);
  assert.ok(Math.abs(equalPowerGains(1)[0]) < 1e-12);
});

test("the impulse response follows Tone.Reverb's envelope", () => {
  const sampleRate = 1000;
  const [left, right] = impulseResponse({ decay: 3.5, preDelay: 0.02, sampleRate, random: () => 1 });
  assert.equal(left.length, 3520);
  assert.deepEqual(left, right);
  assert.equal(left[0], 0);
  assert.equal(left[19], 0, 'silent until the pre-delay');
  assert.equal(left[20], 1);
  const tau = Math.log(4.5) / Math.log(200);
  assert.ok(Math.abs(left[1020] - Math.exp(-1 / tau)) < 1e-6, 'one second in');
  assert.ok(left[3519] < 1e-4 && left[3519] >= 0, 'ramped to nothing at the end');
  const noise = impulseResponse({ decay: 1, preDelay: 0, sampleRate });
  assert.notDeepEqual(noise[0], noise[1], 'each channel its own noise');
});
