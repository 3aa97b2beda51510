// The station while it plays: tune after tune on one Transport, each placed in the session's Parts
// (melody, chords, bass and the drums) at the bar line where the one before ends, with its own
// tempo from there. The next tune is written by the model while this one plays, and placed two
// bars before it is due; a tune's notes leave the Parts once it is over, so hours of station hold
// as little as two tunes. Every part of a tune swings as its drum pattern does (audio/swing.js).

import { SIXTEENTH_TICKS, swungTicks } from '../audio/swing.js';
import { timeAtTicks } from '../audio/live_player.js';
import { SECTIONS } from './plan.js';

const LEAD_BARS = 2;
const FEED_BARS = 3; // how far ahead of the Transport notes join their Parts
const BAR_TICKS = 16 * SIXTEENTH_TICKS;
export const STATION_ROLES = ['melody', 'chords', 'bass', 'drums'];

export class StationTrack {
  // first: the first tune's stream (station/tune.js composeTune); next(index): the stream of tune
  // `index`; swingOf(pattern id) -> MPC percent (audio/swing.js); onTune(tune, stream, {time, ticks, introEnd}): a tune
  // begins (at Transport tick `ticks`; its intro ends at `introEnd`).
  // bpm: every tune at this tempo instead of its own (tests, power users), or null.
  constructor({ first, next, swingOf = () => 0, onTune = null, bpm = null, playCalledAt = performance.now() }) {
    this.bpm = bpm;
    this.first = first;
    this.nextFor = next;
    this.swingOf = swingOf;
    this.onTune = onTune;
    this.playCalledAt = playCalledAt;
    this.parts = new Map();
    this.transport = null;
    this.origin = 0;
    this.placed = []; // [{stream, tune, start, end, times: [[part, ticks]], pending, off, ids}], oldest first
    this.fedUpTo = 0; // Transport ticks up to which notes are in their Parts
    this.feedId = null;
    this.writing = new Map(); // tune index -> its stream (written, being written, or placed)
    this.stopped = false;
    this.firstNote = null;
    this.readyMs = null;
    // The tunes written: how many, how long they took, how long before they were due each was ready
    // (marginMs), how many were not ready when due (late) and how many could not be written (failed).
    this.writes = { count: 0, totalMs: 0, maxMs: 0, marginMs: [], late: 0, failed: 0 };
  }

  attach({ part, transport, origin = 0 }, role) {
    this.parts.set(role, part);
    this.transport = transport;
    this.origin = origin;
    if (role !== 'drums') {
      const original = part.callback;
      part.callback = (time, event) => {
        if (!this.firstNote) this.#recordFirstNote(time);
        original(time, event);
      };
    }
    if (STATION_ROLES.some((r) => !this.parts.has(r))) return;
    this.fedUpTo = origin + FEED_BARS * BAR_TICKS;
    this.feedId = transport.scheduleRepeat(() => this.#feed(), `${BAR_TICKS}i`, `${origin}i`);
    this.#place(this.first, origin);
  }

  #recordFirstNote(time) {
    const now = performance.now();
    this.firstNote = {
      readyMs: this.readyMs,
      triggerMs: now - this.playCalledAt,
      soundMs: now + (time - this.transport.context.currentTime) * 1000 - this.playCalledAt,
    };
  }

  // Places a tune from `start` (Transport ticks, a bar line): its notes now and as they are written.
  #place(stream, start) {
    const { tune } = stream;
    const entry = { stream, tune, start, end: start + tune.bars * BAR_TICKS, times: [], pending: [], off: null, ids: [] };
    this.placed.push(entry);
    const swing = this.swingOf(tune.drums);
    // A note joins its Part only a few bars before it is due (#feed): a Part's add() makes an
    // event on the Transport, and a whole tune's thousand at once would hold up its first note.
    const add = (role, step, value) => {
      const part = this.parts.get(role);
      const ticks = start - this.origin + swungTicks(step, swing);
      if (this.stopped || !part || start + step * SIXTEENTH_TICKS >= entry.end) return;
      const item = { part, ticks, value: { ...value, time: `${ticks}i`, tune: tune.index, step } };
      if (ticks + this.origin < this.fedUpTo) this.#add(entry, item);
      else entry.pending.push(item);
    };
    const placeEvent = (event) => add(event.part, event.step, { length: event.length, notes: event.notes, velocity: event.velocity });
    stream.events.forEach(placeEvent);
    if (!stream.done) {
      stream.listeners.add(placeEvent);
      entry.off = () => stream.listeners.delete(placeEvent);
      stream.promise.then(entry.off, entry.off);
    }
    if (tune.drums) for (const hit of stream.drums) add('drums', hit.step, { lane: hit.lane, pattern: tune.drums, velocity: hit.velocity });
    const transport = this.transport;
    if (start > this.origin) {
      const time = timeAtTicks(transport, start);
      transport.bpm.cancelScheduledValues(time);
      transport.bpm.setValueAtTime(this.bpm || tune.bpm, time);
    }
    entry.ids.push(transport.scheduleOnce((time) => this.onTune?.(tune, stream, { time, ticks: start, introEnd: start + (tune.form[0]?.name === 'intro' ? tune.form[0].bars : 0) * BAR_TICKS }), `${start}i`));
    entry.ids.push(transport.scheduleOnce(() => this.#advance(entry), `${entry.end - LEAD_BARS * BAR_TICKS}i`));
    this.writing.set(tune.index, stream);
    for (const index of this.writing.keys()) if (index < tune.index - 1) this.writing.delete(index);
    this.#prepare(tune.index + 1, stream);
    return entry;
  }

  #add(entry, { part, ticks, value }) {
    entry.times.push([part, ticks]);
    part.add(value);
  }

  // Every bar: the notes due within FEED_BARS join their Parts.
  #feed() {
    if (this.stopped) return;
    this.fedUpTo = Math.max(this.fedUpTo, this.transport.ticks + FEED_BARS * BAR_TICKS);
    for (const entry of this.placed) {
      if (!entry.pending.length) continue;
      const later = [];
      for (const item of entry.pending) {
        if (item.ticks + this.origin < this.fedUpTo) this.#add(entry, item);
        else later.push(item);
      }
      entry.pending = later;
    }
  }

  // The stream of tune `index`: the one being (or already) written, else a new one. One per tune,
  // so a tune asked for by #advance, skip() and #prepare at once is written once.
  #stream(index) {
    if (this.writing.has(index)) return this.writing.get(index);
    const started = performance.now();
    const stream = this.nextFor(index);
    this.writing.set(index, stream);
    stream.promise.then(
      () => {
        const ms = performance.now() - started;
        this.writes = { ...this.writes, count: this.writes.count + 1, totalMs: this.writes.totalMs + ms, maxMs: Math.max(this.writes.maxMs, ms) };
        const margin = this.#secondsUntil(index);
        if (margin !== null) this.writes.marginMs.push(Math.round(margin * 1000));
      },
      () => {
        if (!stream.cancelled) this.writes.failed += 1;
      },
    );
    return stream;
  }

  // Seconds from now until tune `index` is due: the end of the last tune placed, plus the tunes
  // between (written, not placed yet). null when it cannot be told.
  #secondsUntil(index) {
    const last = this.placed[this.placed.length - 1];
    if (!last || this.stopped || index <= last.tune.index) return null;
    let seconds = timeAtTicks(this.transport, last.end) - this.transport.context.currentTime;
    for (let i = last.tune.index + 1; i < index; i++) {
      const tune = this.writing.get(i)?.tune;
      if (!tune) return null;
      seconds += (tune.bars * 4 * 60) / (this.bpm || tune.bpm);
    }
    return seconds;
  }

  // The tune after `stream`'s, written once `stream` is (the worker writes one at a time anyway).
  #prepare(index, after) {
    const begin = () => {
      if (!this.stopped) this.#stream(index);
    };
    after.promise.then(begin, begin);
  }

  // Two bars before `entry` ends: the next tune goes in at its end, and the tune before `entry`
  // (over for minutes) leaves the Parts. A tune not written by then is placed as it is written.
  #advance(entry) {
    if (this.stopped || this.placed[this.placed.length - 1] !== entry) return;
    const next = this.#stream(entry.tune.index + 1);
    if (!next.done) this.writes.late += 1;
    this.#place(next, entry.end);
    while (this.placed.length > 2) this.#remove(this.placed.shift(), -Infinity);
  }

  // The tunes not yet placed are written by `next` from now on (new sampling settings): those
  // being written ahead are written again. A tune already placed (due within two bars) stays.
  rewriteAhead(next) {
    this.nextFor = next;
    if (this.stopped) return;
    const placed = this.placed.map((e) => e.tune.index);
    const last = Math.max(...placed);
    for (const [index, stream] of this.writing) {
      if (placed.includes(index)) continue;
      if (!stream.done) stream.cancel();
      this.writing.delete(index);
    }
    this.#stream(last + 1);
  }

  // Takes a placed tune's notes from `fromTicks` on out of the Parts (all of them: -Infinity).
  #remove(entry, fromTicks) {
    entry.off?.();
    for (const id of entry.ids) this.transport.clear(id);
    entry.ids = [];
    const keep = [];
    for (const [part, ticks] of entry.times) {
      if (ticks + this.origin >= fromTicks) part.remove(`${ticks}i`);
      else keep.push([part, ticks]);
    }
    entry.times = keep;
    entry.pending = entry.pending.filter((item) => item.ticks + this.origin < fromTicks);
  }

  // The next tune from the bar line `at` (Transport ticks, not yet scheduled): the tune playing is
  // cut there. Resolves to the index of the tune that starts.
  skip(at) {
    if (this.stopped || !this.placed.length) return null;
    const current = this.placed.filter((e) => e.start <= at).pop() ?? this.placed[0];
    // A tune already placed after this one is taken out and starts at `at` instead.
    const later = this.placed.filter((e) => e.start > current.start);
    for (const entry of later) this.#remove(entry, -Infinity);
    this.placed = this.placed.filter((e) => !later.includes(e));
    const nextStream = later[0]?.stream ?? this.#stream(current.tune.index + 1);
    // The tune cut short needs no more of its notes written.
    if (!current.stream.done) current.stream.cancel();
    this.#remove(current, at);
    current.end = at;
    this.#place(nextStream, at);
    // Tunes before the one cut are over: a listener skipping again and again keeps two at most.
    while (this.placed.length > 2) this.#remove(this.placed.shift(), -Infinity);
    return nextStream.tune.index;
  }

  // {tune, section, bar, start} at `ticks`, or null.
  at(ticks) {
    const entry = this.placed.find((e) => e.start <= ticks && ticks < e.end) ?? null;
    if (!entry) return null;
    const bar = Math.floor((ticks - entry.start) / BAR_TICKS);
    const section = entry.tune.form.find((s) => bar >= s.bar && bar < s.bar + s.bars) ?? null;
    return { tune: entry.tune, stream: entry.stream, bar, section: section?.name ?? null, start: entry.start, end: entry.end, melody: section ? SECTIONS[section.name].melody : false };
  }

  get generating() {
    return !this.stopped && [...this.writing.values()].some((stream) => !stream.done);
  }

  stop() {
    this.stopped = true;
    if (this.feedId !== null) this.transport?.clear(this.feedId);
    this.feedId = null;
    for (const entry of this.placed) {
      entry.off?.();
      for (const id of entry.ids) this.transport?.clear(id);
      if (!entry.stream.done) entry.stream.cancel();
    }
    for (const stream of this.writing.values()) if (!stream.done) stream.cancel();
  }
}
