// A station tune, whole, as the player's arrangement (audio/arrangement.js shapes): its melody,
// chords and bass, and its drum hits on the pattern's kit, every part swung as its drums are. The
// offline render (a WAV of the whole tune) and the MIDI file play this; the live station places
// the same events tune after tune (station/player.js).

import { AI_PARTS } from '../ai/arrange.js';

// result: station/tune.js tuneResult; swing: the tune's drum pattern's (MPC percent, audio/swing.js).
export function tuneArrangement(result, { swing = 0 } = {}) {
  const byStep = (a, b) => a.step - b.step;
  return {
    id: 'station',
    title: `AI station ${result.station ?? ''} tune ${result.index + 1}`.replace(/\s+/g, ' '),
    bpm: result.bpm,
    timeSignature: [4, 4],
    swing: 0,
    loopBars: result.bars,
    drumPatterns: result.drums ? [result.drums] : [],
    parts: [
      ...AI_PARTS.map(({ role, name, instrument }) => ({
        name,
        instrument,
        role,
        swing,
        events: result.events.filter((e) => e.part === role).sort(byStep).map((e) => ({ step: e.step, length: e.length, notes: [...e.notes], velocity: e.velocity })),
      })),
      ...(result.drums ? [{ name: 'station-drums', kind: 'drums', role: 'drums', swing, events: result.drumHits.map((h) => ({ ...h, pattern: result.drums })) }] : []),
    ],
  };
}
