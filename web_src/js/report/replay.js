// A piece the model wrote when it was trained (report.html's listening pieces: meta.json
// "listening"), rebuilt from its tokens by the code the AI track runs on the worker's tokens: the
// plan a request gets (as ai/jobs.js plans one: the followed chords, or a free piece and its key),
// the lead-sheet builder (ai/piece.js: melody, comping and bass, with their velocities) and the
// AI track's arrangement (ai/arrange.js). So the report plays a piece as the page plays an
// AI track; nothing here is a second renderer.

import { requestPlan } from '../ai/compose.js';
import { createPieceBuilder } from '../ai/piece.js';
import { leadSheetArrangement } from '../ai/arrange.js';
import { makeProgression } from '../music/progression.js';
import { sixteenthsPerBar } from '../music/time.js';

const BAR_LENGTH = sixteenthsPerBar(4, 4); // the chord field's bars, as the AI track's

// piece: {tokens, follows (the chord text it was written over, or null: its own chords), seed, bars}.
// Its chord text is read here, where it enters the page, and planned as ai/jobs.js plans a request.
export function planOf({ follows, seed, bars }, vocab) {
  return requestPlan({ progression: follows ? makeProgression(follows) : null, seed, bars, vocab, barLength: BAR_LENGTH });
}

// The piece as lofi.compose resolves to it ({key, chords, melody, ...}) and its playable events.
export function replay(piece, vocab) {
  const builder = createPieceBuilder(planOf(piece, vocab), { seed: piece.seed });
  for (const token of piece.tokens) builder.push(token);
  return { piece: builder.result(), events: builder.events };
}

// What the live player plays for it: the AI track's three parts over the piece's bars, swung.
export function pieceArrangement(piece, vocab, { swing }) {
  return leadSheetArrangement(replay(piece, vocab).events, { bars: piece.bars, swing });
}
