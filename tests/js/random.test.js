// random.js: the one seeded random source, shared by the AI's sampler and the scenes.
import test from 'node:test';
import assert from 'node:assert/strict';

import { mulberry32 } from '../../web_src/js/random.js';
import * as sampling from '../../web_src/js/ai/sampling.js';
import { seededRandom } from '../../web_src/js/ui/scene/paint.js';

test('mulberry32 gives the stream builder/generate.py gives for the same seed', () => {
  const next = mulberry32(42);
  assert.deepEqual([next(), next(), next()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  // Seeds are taken as uint32s.
  assert.equal(mulberry32(2 ** 32 + 7)(), mulberry32(7)());
});

test('the sampler and the scenes draw from the same function, not copies of it', () => {
  assert.equal(sampling.mulberry32, mulberry32);
  assert.equal(seededRandom, mulberry32);
});
