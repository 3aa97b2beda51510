// The live player: one long-lived audio graph (audio/graph.js), built ahead of the first play(),
// and one session (audio/schedule.js) per arrangement on Tone's Transport. A play() only creates
// and disposes Parts and players, so the first note is not held up by the reverb's impulse or the
// instruments. Another song can take over at the next bar line without a stop (switchTo), and a
// layer change is heard from the next bar.

import { Tone, fullLookAhead } from './tone.js';
import { DEFAULT_VOLUMES } from './instruments.js';
import { createGraph } from './graph.js';
import { buildSession } from './schedule.js';
import { exclusive } from './exclusive.js';
import { createHeard } from './heard.js';
import { TONE_PPQ as PPQ } from '../music/time.js';
import './idle.js'; // finished one-shots are disposed within a second, even on a busy page

// The browser only lets audio start after a user gesture. Tone.start() may then never settle,
// so wait a moment and carry on: the transport runs as soon as the context is allowed to. When the
// context already runs (the usual case after the first gesture) nothing is awaited.
async function startAudio() {
  if (Tone.getContext().state === 'running') return true;
  await Promise.race([Tone.start(), new Promise((resolve) => setTimeout(resolve, 800))]);
  return Tone.getContext().state === 'running';
}

// The audio time of a Transport tick ahead, from the public clock API: Newton's method on
// getTicksAtTime, exact in two steps while the tempo is constant in between.
export function timeAtTicks(transport, ticks) {
  let time = Tone.now();
  for (let i = 0; i < 3; i++) {
    const ticksPerSecond = (transport.bpm.getValueAtTime(time) * PPQ) / 60;
    time += (ticks - transport.getTicksAtTime(time)) / ticksPerSecond;
  }
  return time;
}

export class LivePlayer {
  constructor({ hooks = {} } = {}) {
    this.hooks = hooks;
    this.session = null;
    this.current = null;
    this.paused = false;
    this.volumes = { ...DEFAULT_VOLUMES };
    this.graphPromise = null; // the long-lived graph (createGraph), built once
    this.graph = null; // the same, once built
    this.retiring = new Set(); // sessions a new song took over from, disposed a little later
    this.previous = null; // the session before this.session while a switch waits for its bar line
    this.heard = null; // the hooks' clock (audio/heard.js), made with the first session
  }

  // Resumes the audio context without waiting: call it synchronously in a user gesture's handler
  // (play() does), and once on the page's first pointer or key gesture.
  unlock() {
    if (!Tone) return; // not loaded yet (audio/tone.js): play() starts the context once it is
    const context = Tone.getContext();
    if (context.state !== 'running' && !this.paused) context.resume().catch(() => {});
  }

  unlockOnGesture(target = document) {
    const events = ['pointerdown', 'keydown', 'touchend'];
    const handler = () => {
      this.unlock();
      for (const type of events) target.removeEventListener(type, handler, true);
    };
    for (const type of events) target.addEventListener(type, handler, true);
  }

  // The graph, built on first use in the live context (one job at a time: see exclusive()).
  #graph() {
    this.graphPromise ??= createGraph({ volumes: this.volumes }).then(
      (graph) => {
        // Volumes set while it was being built.
        for (const [channel, value] of Object.entries(this.volumes)) graph.chain.setVolume(channel, value);
        this.graph = graph;
        return graph;
      },
      (err) => {
        this.graphPromise = null;
        throw err;
      },
    );
    return this.graphPromise;
  }

  // Builds the graph ahead of the first play() and, with `prepared` ({music, vinyl} from the
  // prepare* functions), its instruments and vinyl crackle. Needs no user gesture: the context may
  // stay suspended until one (unlock()). Safe to call any number of times.
  warm(prepared = {}) {
    return exclusive(async () => {
      const graph = await this.#graph();
      if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
      for (const recipe of prepared.music?.recipes ?? []) if (recipe) graph.instrument(recipe);
    });
  }

  // The hooks run when the note is actually heard, not when scheduled (audio/heard.js).
  #hooks() {
    const context = Tone.getContext();
    this.heard ??= createHeard({ clock: () => context.currentTime, running: () => context.state === 'running' });
    const later = (fn) => (...args) => {
      const time = args[args.length - 1];
      this.heard.schedule(() => fn?.(...args.slice(0, -1)), time);
    };
    return {
      onNote: later((...a) => this.hooks.onNote?.(...a)),
      onDrum: later((...a) => this.hooks.onDrum?.(...a)),
      onQuote: later((...a) => this.hooks.onQuote?.(...a)),
      onAmbience: later((...a) => this.hooks.onAmbience?.(...a)),
    };
  }

  // prepared: {music, vinyl, drums, ambience, quote} from the prepare* functions.
  // Starts from bar 1 (stopping what plays). Resolves to {audible, bar: 0}: audible is false when
  // the browser has not yet allowed audio to start.
  play(arrangement, prepared, { loops, bpm = null } = {}) {
    this.unlock();
    return exclusive(() => this.#start(arrangement, prepared, { loops, bpm }));
  }

  async #start(arrangement, prepared, { loops, bpm }) {
    this.#stopNow();
    const [audible, graph] = await Promise.all([startAudio(), this.#graph()]);
    const transport = Tone.getTransport();
    if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
    transport.bpm.cancelScheduledValues(0);
    this.session = buildSession(transport, graph, arrangement, prepared, { loops, bpm, hooks: this.#hooks() });
    this.current = arrangement;
    transport.position = 0;
    // As soon as possible: Tone's "now" is the audio clock plus its look-ahead, the earliest time
    // its scheduler has not passed yet (it was '+0.1' later still).
    const start = Tone.now();
    graph.chain.startVinyl(start);
    transport.start(start);
    fullLookAhead(); // the first start only is sooner (audio/tone.js)
    return { audible, bar: 0 };
  }

  // The first bar line far enough ahead that the clock has not scheduled it yet. While a new song
  // waits for its first bar (switchTo), that bar line.
  nextBarTicks() {
    const transport = Tone.getTransport();
    const { ticksPerBar, origin } = this.session;
    const margin = Tone.getContext().lookAhead + 0.15;
    const soon = transport.getTicksAtTime(Tone.now() + margin);
    if (soon <= origin) return origin;
    return origin + Math.ceil((soon - origin) / ticksPerBar) * ticksPerBar;
  }

  // Another song while one plays: it takes over at the next bar line, without a stop. The old
  // song's Parts, drums and ambience end on that line and the new ones start there, in the new
  // song's tempo and meter, from its first bar; the quote is not said twice. Resolves to
  // {audible, bar}: the bar (counted from the first play()) where the new song starts. When
  // nothing plays (or it is paused) this is play().
  switchTo(arrangement, prepared, { loops, bpm = null } = {}) {
    if (!this.playing || this.paused) return this.play(arrangement, prepared, { loops, bpm });
    return exclusive(async () => {
      if (!this.session) return this.#start(arrangement, prepared, { loops, bpm });
      const graph = await this.#graph();
      const transport = Tone.getTransport();
      const old = this.session;
      const at = this.nextBarTicks();
      const originBar = old.barAt(at);
      old.retire(at);
      this.#retireLater(old, at);
      // The tempo changes on that bar line.
      const time = timeAtTicks(transport, at);
      transport.bpm.cancelScheduledValues(time);
      transport.bpm.setValueAtTime(bpm || arrangement.bpm, time);
      if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
      // The session heard until the bar line (not one that was itself still waiting for it).
      if (old.origin < at) this.previous = old;
      this.session = buildSession(transport, graph, arrangement, prepared, { loops, bpm, hooks: this.#hooks(), origin: at, originBar, log: old.log });
      this.current = arrangement;
      return { audible: Tone.getContext().state === 'running', bar: originBar };
    });
  }

  // Disposes a session a new song took over from once its last notes and any quote have rung out.
  #retireLater(session, at) {
    this.retiring.add(session);
    const transport = Tone.getTransport();
    transport.scheduleOnce(() => {
      setTimeout(() => {
        if (!this.retiring.delete(session)) return; // stop() got there first
        if (this.previous === session) this.previous = null;
        session.dispose();
      }, 10000);
    }, `${at + 4 * session.ticksPerBar}i`);
  }

  // Changes a layer (drums, ambience, quote). While playing it takes effect at the next bar; resolves to that bar.
  setLayer(layer, prep) {
    return exclusive(async () => {
      if (!this.session) return { bar: null };
      const started = Tone.getTransport().state === 'started' && !this.paused;
      const { origin, ticksPerBar } = this.session;
      const ticks = started ? this.nextBarTicks() : origin + Math.max(0, Math.ceil((Tone.getTransport().ticks - origin) / ticksPerBar)) * ticksPerBar;
      this.session.setLayer(layer, prep, ticks);
      return { bar: this.session.barAt(ticks) };
    });
  }

  // A new tempo while playing: heard from the next bar line, where a bar of the old tempo ends;
  // paused, at once. `bpm` null: the playing arrangement's own. Resolves to that bar, or null when
  // nothing plays.
  setBpm(bpm) {
    return exclusive(async () => {
      if (!this.session || !this.current) return null;
      const transport = Tone.getTransport();
      const value = bpm || this.current.bpm;
      if (this.paused || transport.state !== 'started') {
        transport.bpm.cancelScheduledValues(0);
        transport.bpm.value = value;
        return this.bar;
      }
      const at = this.nextBarTicks();
      const time = timeAtTicks(transport, at);
      transport.bpm.cancelScheduledValues(time);
      transport.bpm.setValueAtTime(value, time);
      return this.session.barAt(at);
    });
  }

  setVolume(channel, value) {
    this.volumes[channel] = value;
    this.graph?.chain.setVolume(channel, value);
  }

  // Pausing suspends the audio context: every layer, reverb tail included, freezes where it is
  // and resumes from there.
  pause() {
    return exclusive(async () => {
      if (!this.session || this.paused) return;
      await Tone.getContext().rawContext.suspend();
      this.paused = true;
    });
  }

  resume() {
    return exclusive(async () => {
      if (!this.paused) return;
      await Tone.getContext().resume();
      this.paused = false;
    });
  }

  stop() {
    return exclusive(async () => this.#stopNow());
  }

  // Disposes the session (its Parts and layer players); the graph stays, its instruments released.
  #stopNow() {
    const transport = Tone.getTransport();
    transport.stop();
    transport.cancel(0);
    transport.position = 0;
    this.heard?.cancel();
    for (const session of this.retiring) session.dispose();
    this.retiring.clear();
    this.previous = null;
    if (this.session) {
      this.session.dispose();
      const now = Tone.now();
      this.graph?.releaseAll(now);
      this.graph?.chain.stopVinyl(now);
    }
    this.session = null;
    this.current = null;
    if (this.paused) {
      Tone.getContext().resume();
      this.paused = false;
    }
  }

  get playing() {
    return this.current !== null && Tone.getTransport().state === 'started';
  }

  get position() {
    return this.current ? String(Tone.getTransport().position) : '0:0:0';
  }

  get sessionBpm() {
    return Tone.getTransport().bpm.value;
  }

  // Bars since play(), across songs that took over (switchTo).
  get bar() {
    if (!this.session) return 0;
    const ticks = Tone.getTransport().ticks;
    const session = ticks < this.session.origin && this.previous ? this.previous : this.session;
    return session.barAt(ticks);
  }
}
