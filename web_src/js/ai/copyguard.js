// No copying: the sampler may not write more than n - 1 melody events in a row of one lead sheet.
//
// A small model trained on a few dozen lead sheets can reproduce a stretch of one of them, most of
// all at low temperatures. The build hashes every run of n melody events ("n67 d4", "r d2", "~ d4",
// in the model's key) of the lead sheets into the model's "copyGuard": {n, hashes}
// (builder/copyguard.py); while composing, a length that would complete a run whose hash is in the
// set is not allowed, unless every length would. A run is hashed with its notes counted from its
// first note, so that one hash stands for the run in every key (the model also learns the lead
// sheets transposed, and a melody copied a fifth higher is still copied).

import theory from '../music/theory.json' with { type: 'json' };
import { readToken } from '../music/tokens.js';

const PREFIX = theory.leadsheet.notePrefix;

// The events joined by spaces, each note's number made relative to the run's first note
// ("n67 d4 n70 d2" -> "n0 d4 n3 d2").
export function runText(events) {
  let first = null;
  const words = [];
  for (const event of events) {
    for (let word of event.split(' ')) {
      const read = readToken(word); // the one token reader: a note is what it says is a note
      if (read?.kind === 'note') {
        first ??= read.midi;
        word = `${PREFIX}${read.midi - first}`;
      }
      words.push(word);
    }
  }
  return words.join(' ');
}

// FNV-1a (32 bits) over the UTF-16 code units of runText(events), as the build hashes them.
export function runHash(events) {
  const text = runText(events);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class CopyGuard {
  // guard: {n, hashes} (an array, or a Set kept as it is: GuardFile fills it later); classes:
  // grammar.js classifyVocab(vocab).
  constructor(guard, classes) {
    this.n = Math.trunc(Number(guard.n));
    this.hashes = guard.hashes instanceof Set ? guard.hashes : new Set(guard.hashes);
    this.c = classes;
    this.events = []; // the last n - 1 events
    this.pending = null; // the event token waiting for its length
  }

  // Follows the piece: every token written, forced or drawn.
  take(id) {
    const kind = this.c.kinds[id];
    if (kind === 'note' || kind === 'rest' || kind === 'tie') {
      this.pending = this.c.vocab[id];
    } else if (kind === 'length' && this.pending !== null) {
      this.events.push(`${this.pending} ${this.c.vocab[id]}`);
      this.events = this.n > 1 ? this.events.slice(-(this.n - 1)) : [];
      this.pending = null;
    }
  }

  // The ids without the lengths that would complete a guarded run (all of them if none is left).
  allowed(ids) {
    if (this.pending === null || this.events.length < this.n - 1) return ids;
    const kept = ids.filter(
      (id) => this.c.kinds[id] !== 'length' || !this.hashes.has(runHash([...this.events, `${this.pending} ${this.c.vocab[id]}`])),
    );
    return kept.length ? kept : ids;
  }
}

// The guard's hashes are their own file beside model.json (generation.json names it: {n, url,
// count}; builder/export.py guard_file_bytes: 4 bytes a hash, little-endian), fetched only when a
// composition first needs them: they would otherwise be most of generation.json, read with the
// page, and come before the first note for nothing. `guard` ({n, hashes: a Set}) is what CopyGuard is built from; the hashes are added to
// that Set on arrival, so a guard built before then sees them.
export class GuardFile {
  constructor({ n, url, count }, base) {
    this.guard = { n: Math.trunc(Number(n)), hashes: new Set() };
    this.count = Math.trunc(Number(count));
    this.url = new URL(url, base).href;
    this.arrived = false;
    this.loading = null;
  }

  // Whether a piece with `written` tokens may consult the hashes at its next draw: CopyGuard looks
  // at them only once n - 1 events (an event and its length: two tokens each) are written, so
  // waiting for the file until then leaves the music as if it had been there from the start.
  wanted(written) {
    return !this.arrived && written >= 2 * (this.guard.n - 1);
  }

  // Idempotent; a failure is not kept (the next piece fetches again). Errors name the file.
  load() {
    this.loading ??= (async () => {
      const response = await fetch(this.url);
      if (!response.ok) throw new Error(`${this.url}: HTTP ${response.status}`);
      const bytes = new DataView(await response.arrayBuffer());
      if (bytes.byteLength !== 4 * this.count) {
        throw new Error(`${this.url}: not the copy guard generation.json names (${this.count} hashes, not ${bytes.byteLength} bytes)`);
      }
      for (let at = 0; at < bytes.byteLength; at += 4) this.guard.hashes.add(bytes.getUint32(at, true));
      this.arrived = true;
    })().catch((err) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }
}
