// The drums of a station tune, hit by hit, from its pattern and its form: the pattern through
// every section that has drums, a fill in the last bar of each section, now and then a drop (the
// drums out for a bar or two where a section begins), small changes to the pattern from bar to
// bar, and velocities that vary a little, as a drummer's do. Pure and seeded: the same tune gets
// the same drums live, in its WAV and in its MIDI file.

import { SECTIONS } from './plan.js';
import { derivedRng } from '../ai/sampling.js';
import { laneKind } from '../audio/lanes.js';

const SALT = 0x4b69743f; // "Kit?": apart from the plan's and the model's streams
const DROP_CHANCE = 0.45; // a section after the first that opens with the drums out
const VARIATION_CHANCE = 0.3; // a bar with a small change
const HUMANISE = 0.12; // velocities vary by up to half this, either way
const FILL_FROM = 12; // a fill takes the bar's last beat (its sixteenths 12-15)

// Fills over the last beat: [kind, sixteenth in the bar, velocity].
const FILLS = [
  [['kick', 12, 0.8], ['snare', 14, 0.6], ['snare', 15, 0.85]],
  [['snare', 12, 0.45], ['snare', 13, 0.55], ['snare', 14, 0.7], ['snare', 15, 0.9]],
  [['kick', 12, 0.75], ['snare', 13, 0.5], ['kick', 14, 0.6], ['snare', 15, 0.9]],
  [['snare', 12, 0.8], ['hat', 13, 0.4], ['snare', 14, 0.55], ['snare', 15, 0.75]],
];

// The hits of one bar of the pattern: [{lane, step (in the bar), velocity}].
function patternBar(pattern, bar) {
  const per = pattern.stepsPerBar || 16;
  const hits = [];
  for (const lane of pattern.lanes) {
    for (const [step, velocity] of lane.hits) {
      if (Math.floor(step / per) !== bar % pattern.bars) continue;
      if (step % per >= 16) continue;
      hits.push({ lane: lane.name, step: step % per, velocity: velocity * (lane.gain ?? 1) });
    }
  }
  return hits;
}

// The pattern's lanes by kind (the first of each kind), and their gains.
function lanesByKind(pattern) {
  const lanes = {};
  for (const lane of pattern.lanes) lanes[laneKind(lane.name)] ??= lane;
  return lanes;
}

function fillBar(pattern, hits, rng) {
  const lanes = lanesByKind(pattern);
  const fill = FILLS[Math.floor(rng() * FILLS.length)];
  const kept = hits.filter((hit) => hit.step < FILL_FROM);
  for (const [kind, step, velocity] of fill) {
    const lane = lanes[kind] ?? lanes.snare ?? lanes.kick;
    if (lane) kept.push({ lane: lane.name, step, velocity: velocity * (lane.gain ?? 1) });
  }
  return kept;
}

// A small change: a ghost note on the snare, a pushed kick, or a hat left out.
function varyBar(pattern, hits, rng) {
  const lanes = lanesByKind(pattern);
  const choice = rng();
  if (choice < 0.4 && lanes.snare) {
    const step = [7, 9, 11, 15][Math.floor(rng() * 4)];
    if (!hits.some((h) => h.lane === lanes.snare.name && h.step === step)) return [...hits, { lane: lanes.snare.name, step, velocity: 0.25 * (lanes.snare.gain ?? 1) }];
  } else if (choice < 0.7 && lanes.kick) {
    const step = [3, 7, 10, 11][Math.floor(rng() * 4)];
    if (!hits.some((h) => h.lane === lanes.kick.name && h.step === step)) return [...hits, { lane: lanes.kick.name, step, velocity: 0.55 * (lanes.kick.gain ?? 1) }];
  } else if (lanes.hat) {
    const hats = hits.filter((h) => h.lane === lanes.hat.name);
    if (hats.length > 2) {
      const drop = hats[Math.floor(rng() * hats.length)];
      return hits.filter((h) => h !== drop);
    }
  }
  return hits;
}

// tune: the plan's ({seed, form: [{name, bar, bars}]}); pattern: media.json's drum entry, or null.
// Returns [{step, lane, velocity}], step in sixteenths from the tune's start (4/4), sorted.
export function tuneDrums(tune, pattern) {
  if (!pattern) return [];
  const rng = derivedRng(tune.seed, SALT);
  const out = [];
  let drummed = 0;
  for (const section of tune.form) {
    if (!SECTIONS[section.name].drums) continue;
    const drop = drummed > 0 && rng() < DROP_CHANCE ? (rng() < 0.7 ? 1 : 2) : 0;
    drummed += 1;
    for (let i = 0; i < section.bars; i++) {
      let hits = patternBar(pattern, i);
      if (i === section.bars - 1) hits = fillBar(pattern, hits, rng);
      else if (rng() < VARIATION_CHANCE) hits = varyBar(pattern, hits, rng);
      if (i < drop) hits = [];
      const bar = section.bar + i;
      for (const hit of hits) {
        const velocity = Math.max(0.05, Math.min(1.5, hit.velocity * (1 + (rng() - 0.5) * HUMANISE)));
        out.push({ step: bar * 16 + hit.step, lane: hit.lane, velocity: Math.round(velocity * 1000) / 1000 });
      }
    }
  }
  return out.sort((a, b) => a.step - b.step || (a.lane < b.lane ? -1 : 1));
}
