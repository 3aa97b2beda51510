// The AI track's parts for the player (audio/arrangement.js): the melody on the piano, the
// chords on the electric piano, the bass line, each from a piece's playable events (piece.js).

export const AI_PARTS = [
  { role: 'melody', name: 'ai-melody', instrument: 'piano' },
  { role: 'chords', name: 'ai-chords', instrument: 'epiano' },
  { role: 'bass', name: 'ai-bass', instrument: 'bass' },
];
export const AI_ROLES = AI_PARTS.map((part) => part.role);

// The three parts: [{name, instrument, role, swing, events: [{step, length, notes, velocity}]}],
// events on the sixteenth grid; the player moves the off-beat ones late by `swing` (the drums',
// audio/swing.js). `swing` 0 gives the grid (the MIDI file).
export function leadSheetParts(events, { swing = 0 } = {}) {
  return AI_PARTS.map(({ role, name, instrument }) => ({
    name,
    instrument,
    role,
    swing,
    events: events
      .filter((event) => event.part === role)
      .sort((a, b) => a.step - b.step)
      .map((event) => ({ step: event.step, length: event.length, notes: [...event.notes], velocity: event.velocity })),
  }));
}
