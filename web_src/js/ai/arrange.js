// The AI track's parts for the player (in an arrangement's shape, audio/arrangement.js): the
// melody on the piano, the chords on the electric piano, the bass line, each from a piece's
// playable events (piece.js).

import { AI_BPM } from '../audio/arrangement.js';

export const AI_PARTS = [
  { role: 'melody', name: 'ai-melody', instrument: 'piano' },
  { role: 'chords', name: 'ai-chords', instrument: 'epiano' },
  { role: 'bass', name: 'ai-bass', instrument: 'bass' },
];
export const AI_ROLES = AI_PARTS.map((part) => part.role);

// The three parts: [{name, instrument, role, events: [{step, length, notes, velocity}]}], events
// on the sixteenth grid; the player swings them with the arrangement's groove (audio/swing.js).
export function leadSheetParts(events) {
  return AI_PARTS.map(({ role, name, instrument }) => ({
    name,
    instrument,
    role,
    events: events
      .filter((event) => event.part === role)
      .sort((a, b) => a.step - b.step)
      .map((event) => ({ step: event.step, length: event.length, notes: [...event.notes], velocity: event.velocity })),
  }));
}

// A lead sheet's arrangement: its three parts, looping on the piece's bars; `swing` is the drums'.
export function leadSheetArrangement(events, { bars, swing = null }) {
  return { id: 'ai', bpm: AI_BPM, timeSignature: [4, 4], swing, loopBars: bars, parts: leadSheetParts(events) };
}
