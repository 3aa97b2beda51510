// The AI track while it plays: notes stream into the playing Tone.Part as the worker writes them,
// and the piece repeats every `loopBars` bars (a timed solo's 30, as in the seed article, or a lead
// sheet's bars). With `fresh`, every pass gets a new piece, generated in the background during the pass before it (seed + pass number, so
// a run is reproducible). A pass whose fresh solo is not ready in time repeats the last one, and
// the late solo goes on being written for the first pass after it is done: a device that takes
// longer than a pass to write one (a slow phone, a fast tempo) still hears a new solo every few
// passes, where dropping it and starting over would repeat the first solo forever.
//
// A piece may have several parts (the lead sheet's melody, chords and bass: `roles`), each its own
// Tone.Part: every event names its part (event.part), and all of them follow the same passes. Each
// event is placed at its swung tick (`swing`, the session's groove: audio/swing.js), as the drums'.
//
// Each pass's notes are placed in the Part (pass p starts at its bar p * loopBars) two bars or more
// before they are due, so the swap at the loop point never races the scheduler. Times are in
// Transport ticks, not "B:Q:S": the solo may start while another song's meter still holds
// (audio/live_player.js, switchTo).

import { SIXTEENTH_TICKS, swungTicks } from './swing.js';

const LEAD_BARS = 2; // how long before a pass ends the next one is placed

// A piece being written (or already done): tokens, the incremental decoder's events, and
// listeners for events still to come. Made by ai/jobs.js.
//   {tokens, decoder, done, failed, result, promise, listeners: Set<(event) => void>, cancel()}

export class StreamedTrack {
  constructor({ stream, loopBars = 30, barLength = 16, roles = ['melody'], swing = null, fresh = false, nextStream = null, onPass = null, playCalledAt = performance.now() }) {
    this.loopBars = loopBars;
    this.barLength = barLength;
    this.loopSteps = loopBars * barLength;
    this.roles = roles;
    this.swing = swing; // the groove (audio/swing.js), every pass's events placed with it
    this.fresh = fresh;
    this.nextStreamFor = nextStream; // (pass) => stream, for fresh solos
    this.onPass = onPass;
    this.playCalledAt = playCalledAt;
    this.pass = 0;
    this.passes = [stream]; // pass -> stream
    // pass -> {times: [[Tone.Part, Transport time string]], off}: what a pass placed, so a past pass
    // can be removed from the Parts, and how it stops following a stream still being written.
    this.placed = new Map();
    this.upcoming = null; // {pass, stream}: the fresh solo being prepared (pass: the one it was meant for)
    this.parts = new Map(); // role -> Tone.Part
    this.transport = null;
    this.repeatId = null; // the Transport event that places each next pass
    this.firstNote = null;
    this.readyMs = null; // set by the caller: when the first note was generated and decoded
    this.stopped = false;
    this.renewed = 0; // passes that got a fresh solo
    this.repeated = 0; // passes (after the first) that repeated the one before
    // How long the fresh solos took to write, from their start to their last token: against a
    // pass's length, the headroom the generation has.
    this.writes = { count: 0, totalMs: 0, maxMs: 0 };
    // Events that arrive before the part exists wait in the stream's decoder.
    if (fresh) stream.promise.then(() => this.#prepare(this.pass + 1), () => {});
  }

  // Called by the player (arrangement part `attach` hook) once the Tone.Part of `role` exists,
  // before the Transport starts or (a song switch) before the Part's first bar. origin: the Part's
  // start tick. The passes start once every role's Part is there.
  attach({ part, transport, origin = 0 }, role = this.roles[0]) {
    this.parts.set(role, part);
    this.transport = transport;
    const original = part.callback;
    part.callback = (time, event) => {
      if (!this.firstNote) this.#recordFirstNote(time);
      original(time, event);
    };
    if (this.roles.some((r) => !this.parts.has(r))) return;
    this.#follow(0, this.passes[0]);
    const lead = Math.min(LEAD_BARS, this.loopBars / 2);
    const barTicks = this.barLength * SIXTEENTH_TICKS;
    this.repeatId = transport.scheduleRepeat(() => this.#nextPass(), `${this.loopBars * barTicks}i`, `${origin + (this.loopBars - lead) * barTicks}i`);
  }

  #recordFirstNote(time) {
    const now = performance.now();
    const context = this.transport.context;
    const stream = this.passes[0];
    this.firstNote = {
      readyMs: this.readyMs,
      // When the instrument was triggered, and when that note sounds (its audio time on the
      // page's clock), both in ms after play() was called.
      triggerMs: now - this.playCalledAt,
      soundMs: now + (time - context.currentTime) * 1000 - this.playCalledAt,
      tokensGenerated: stream.tokens.length,
      generationDone: stream.done,
    };
  }

  // Places a stream's events (those that fit in a pass) at pass `pass`, now and as they arrive.
  #follow(pass, stream) {
    const offset = pass * this.loopSteps;
    const times = [];
    const entry = { times, off: null };
    this.placed.set(pass, entry);
    const place = (event) => {
      const part = this.parts.get(event.part ?? this.roles[0]);
      if (this.stopped || !part || event.step >= this.loopSteps) return;
      const time = `${swungTicks(offset + event.step, this.swing)}i`;
      times.push([part, time]);
      part.add({ time, length: event.length, notes: event.notes, velocity: event.velocity, pass, step: event.step });
    };
    stream.decoder.events.forEach(place);
    if (!stream.done) {
      stream.listeners.add(place);
      entry.off = () => stream.listeners.delete(place);
    }
  }

  // Scheduled LEAD_BARS before each pass ends: place the next pass.
  #nextPass() {
    if (this.stopped) return;
    const current = this.passes[this.pass];
    const next = this.pass + 1;
    let stream = current;
    // A fresh solo still being written stays upcoming (this pass repeats the last one); a failed
    // one is dropped and another started.
    if (this.upcoming?.stream.done) {
      if (!this.upcoming.stream.failed) stream = this.upcoming.stream;
      this.upcoming = null;
    }
    this.passes[next] = stream;
    this.#follow(next, stream);
    // The pass before this one is over: drop its notes from the parts, and its listener from a
    // stream still being written (a solo repeated while it streams is followed once per pass).
    const over = this.placed.get(this.pass - 1);
    if (over) {
      over.off?.();
      for (const [part, time] of over.times) part.remove(time);
      this.placed.delete(this.pass - 1);
    }
    delete this.passes[this.pass - 1];
    this.pass = next;
    if (stream !== current) this.onPass?.(next, stream);
    if (stream !== current) this.renewed += 1;
    else this.repeated += 1;
    if (this.fresh) this.#prepare(next + 1);
  }

  // One fresh solo at a time: the worker writes them one after the other anyway.
  #prepare(pass) {
    if (this.stopped || !this.nextStreamFor || this.upcoming) return;
    const started = performance.now();
    const stream = this.nextStreamFor(pass);
    this.upcoming = { pass, stream };
    stream.promise.then(() => {
      const ms = performance.now() - started;
      this.writes = { count: this.writes.count + 1, totalMs: this.writes.totalMs + ms, maxMs: Math.max(this.writes.maxMs, ms) };
    }, () => {});
  }

  get generating() {
    return !this.stopped && (this.passes.some((s) => s && !s.done) || Boolean(this.upcoming && !this.upcoming.stream.done));
  }

  stop() {
    this.stopped = true;
    if (this.repeatId !== null) this.transport?.clear(this.repeatId);
    this.repeatId = null;
    for (const entry of this.placed.values()) entry.off?.();
    this.placed.clear();
    for (const stream of this.passes) if (stream && !stream.done) stream.cancel();
    if (this.upcoming && !this.upcoming.stream.done) this.upcoming.stream.cancel();
    this.upcoming = null;
  }
}
