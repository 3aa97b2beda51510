// Lead-sheet tokens -> timed chords and melody notes, in sixteenths from the start of the piece
// (the model's key: C major / A minor; the caller moves them to the listener's key and voices the
// chords). Incremental, so a piece can start playing while the model still writes it: a note is
// known once its last tie is ("n67 d4 ~ d2" is one note of six sixteenths), a chord once the next
// chord or the end of the piece is.

import { readToken } from '../music/tokens.js';


export function createLeadSheetDecoder({ barLength = 16 } = {}) {
  let bar = -1;
  let pos = 0;
  let pending = null; // the event whose length token comes next: {kind, midi}
  let note = null; // the note still open to ties: {step, length, midi}
  let chord = null; // the chord sounding: {step, token}
  const decoder = {
    chords: [], // {step, length, token}
    melody: [], // {step, length, midi}
    skipped: [],
    get steps() {
      return Math.max(0, bar) * barLength + pos;
    },
    // Returns the events this token completes: [{type: 'chord'|'note', ...}]. `read` is the token
    // as music/tokens.js read it, when the caller has read it already (ai/piece.js does).
    push(token, read = readToken(token)) {
      const out = [];
      const step = Math.max(0, bar) * barLength + pos;
      const closeNote = () => {
        if (note) {
          decoder.melody.push(note);
          out.push({ type: 'note', ...note });
        }
        note = null;
      };
      const closeChord = (at) => {
        if (chord && at > chord.step) {
          const done = { ...chord, length: at - chord.step };
          decoder.chords.push(done);
          out.push({ type: 'chord', ...done });
        }
        chord = null;
      };
      // music/tokens.js reads every token; one it refuses ("n128", "@foo", "d0") is skipped.
      const kind = read?.kind;
      if (kind === 'start' || kind === 'style') return out;
      if (kind === 'bar') {
        bar += 1;
        pos = 0;
      } else if (kind === 'end') {
        closeNote();
        closeChord(decoder.steps);
      } else if (kind === 'chord') {
        closeChord(step);
        chord = { step, token };
      } else if (kind === 'tie') {
        pending = { kind: 'tie' };
      } else if (kind === 'rest') {
        closeNote();
        pending = { kind: 'rest' };
      } else if (kind === 'note') {
        closeNote();
        pending = { kind: 'note', midi: read.midi };
      } else if (kind === 'length' && pending) {
        const length = read.sixteenths;
        if (pending.kind === 'note') note = { step, length, midi: pending.midi };
        else if (pending.kind === 'tie' && note) note.length += length;
        pos += length;
        pending = null;
      } else {
        decoder.skipped.push(token);
      }
      return out;
    },
  };
  return decoder;
}

export function decodeLeadSheet(tokens, options = {}) {
  const decoder = createLeadSheetDecoder(options);
  for (const token of tokens) decoder.push(token);
  return { chords: decoder.chords, melody: decoder.melody, steps: decoder.steps, skipped: decoder.skipped };
}
