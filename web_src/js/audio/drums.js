// Drum patterns from media.json, played from one-shot samples. A pattern is 1-8 bars of sixteenth
// steps per lane; it is repeated to fill the drum loop (8 bars) and swung as every part is
// (audio/swing.js): by the session's swing (a song's own) or else the pattern's. Times are in ticks ("192i" is a
// quarter at Tone's PPQ of 192), so they hold at every tempo. In 3/4 and 6/8 (three quarters a bar
// in Tone) each bar plays its first 12 steps.

import { Tone } from './tone.js';
import { loadBuffers } from './media.js';
import { swungTicks } from './swing.js';

export function drumEvents(pattern, { loopBars = 8, quartersPerBar = 4, swing = null } = {}) {
  const groove = swing ?? pattern.swing;
  const stepsPerBar = Math.round(quartersPerBar * 4);
  const patternSteps = pattern.stepsPerBar || 16;
  const events = [];
  for (let bar = 0; bar < loopBars; bar++) {
    const sourceBar = bar % pattern.bars;
    for (const lane of pattern.lanes) {
      for (const [step, velocity] of lane.hits) {
        if (Math.floor(step / patternSteps) !== sourceBar) continue;
        const inBar = step % patternSteps;
        if (inBar >= stepsPerBar) continue;
        const ticks = swungTicks(bar * stepsPerBar + inBar, groove);
        events.push({ time: `${ticks}i`, lane: lane.name, velocity: velocity * lane.gain, bar, step: inBar });
      }
    }
  }
  return events.sort((a, b) => parseInt(a.time, 10) - parseInt(b.time, 10));
}

// Fetches a pattern's one-shots. Resolves to {buffers: {laneName: buffer}} or rejects naming the file.
export async function loadKit(pattern) {
  const urls = Object.fromEntries(pattern.lanes.map((lane) => [lane.name, lane.url]));
  const { buffers, errors } = await loadBuffers(urls);
  if (errors.length) throw new Error(errors.join('; '));
  return buffers;
}

// One buffer source per hit, so hits overlap naturally and carry their own velocity.
export function createKit(buffers, output) {
  return {
    hit(lane, time, velocity) {
      const buffer = buffers[lane];
      if (!buffer) return;
      // In the output's own context: a hit may fall while an offline render holds Tone's global one.
      const source = new Tone.ToneBufferSource({ context: output.context, url: buffer, curve: 'linear', fadeOut: 0.01 }).connect(output);
      source.onended = () => source.dispose();
      source.start(time, 0, undefined, Math.max(0, Math.min(1.5, velocity)));
    },
  };
}

// The visualizer and the MIDI file know kicks, snares and hats (audio/lanes.js).
export { laneKind as drumKind } from './lanes.js';
