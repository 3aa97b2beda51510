// The AI track's parts for the player (player.js arrangements): the melody on the piano, the
// chords on the electric piano, the bass line, each from a piece's playable events (piece.js).

import { sixteenthsToTransport } from '../music/theory.js';
import { swingOffsetSixteenths } from '../audio/swing.js';

export const AI_PARTS = [
  { role: 'melody', name: 'ai-melody', instrument: 'piano' },
  { role: 'chords', name: 'ai-chords', instrument: 'epiano' },
  { role: 'bass', name: 'ai-bass', instrument: 'bass' },
];
export const AI_ROLES = AI_PARTS.map((part) => part.role);

// "B:Q:S" of a step, the off-beat sixteenths moved late by `swing` (swing.js): S may be fractional.
export function swungTime(step, barLength, swing = 0) {
  const [bars, quarters, sixteenths] = sixteenthsToTransport(step, barLength).split(':').map(Number);
  return `${bars}:${quarters}:${sixteenths + swingOffsetSixteenths(step, swing)}`;
}

// The three parts with their events placed: [{name, instrument, role, events: [{time, duration,
// notes, velocity, step}]}]. `swing` 0 gives the grid (the MIDI file).
export function leadSheetParts(events, { barLength = 16, swing = 0 } = {}) {
  return AI_PARTS.map(({ role, name, instrument }) => ({
    name,
    instrument,
    role,
    events: events
      .filter((event) => event.part === role)
      .sort((a, b) => a.step - b.step)
      .map((event) => ({ time: swungTime(event.step, barLength, swing), duration: event.duration, notes: [...event.notes], velocity: event.velocity, step: event.step })),
  }));
}
