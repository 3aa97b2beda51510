// Playback for window.lofi: the live player and the layers' choices (audio/mix.js), what play()
// puts on it (a song from the catalogue, or the AI track streamed as it is written), and the
// state the page shows. The live graph is warmed before the first play() where possible.

import { LivePlayer } from './live_player.js';
import { createLayers } from './mix.js';
import { songArrangement, withSwing } from './arrangement.js';
import { DEFAULT_SWING } from './swing.js';
import { onFirstIntent } from '../intent.js';
import { Tone } from './tone.js';

// play({bpm}) takes the tempo field's range and far beyond it: tests and benchmarks play hours in
// minutes. Past this the scheduler cannot keep up and the tab freezes (1e9 bpm took 3.7 GB).
const MIN_BPM = 30;
const MAX_PLAY_BPM = 4800;

export function createPlayback({ status, emit, catalogue, ai, loader, ready, visualizer, extraState, station }) {
  const player = new LivePlayer({
    hooks: {
      onNote: (midis, velocity, part) => visualizer?.note(midis, velocity, part),
      onDrum: (drum, velocity) => visualizer?.drum(drum, velocity),
      onQuote: (entry) => emit('quote', entry),
      onAmbience: (entry) => emit('ambience', entry),
    },
  });
  // Events for the page: 'quote' (a quote starts: show its caption), 'ambience' (an ambience
  // starts or stops: change the background), 'state'.
  const layers = createLayers({ player, status });
  let live = null; // audio/streamed_track.js StreamedTrack while the AI track plays
  let tempo = null; // the listener's, over every song's own
  let lastPlay = null; // {song, bpm, fresh}: the last play(), for the share link
  // Time heard this session, any track (the play-time counter): what ended, and when the
  // current stretch began (null while nothing is heard).
  const listened = { ms: 0, since: null };
  const hearing = (on) => {
    const now = performance.now();
    if (listened.since !== null) listened.ms += now - listened.since;
    listened.since = on ? now : null;
  };

  // The live audio graph (bus, reverb impulse, vinyl crackle, instruments) is built once, ahead of
  // the first play() where possible: building it needs no user gesture (the context may stay
  // suspended until one), so a play() only adds Parts. warm(arrangement) also fetches the samples
  // that arrangement and the current layer choices need.
  player.unlockOnGesture();
  function warm(arrangement) {
    return layers
      .prepareWarm(arrangement)
      .then((prepared) => player.warm(prepared))
      .catch((err) => console.warn(`lofi: pre-warming the player failed: ${err.message}`));
  }
  // Not while the page first appears: building the graph holds the main thread for a few hundred
  // ms (the audio context, the reverb's impulse), which Lighthouse counts as blocking time. It
  // starts at the first sign of a listener (pointer, key, touch, focus, scroll), well before a
  // click on Play lands; play() and loadModel() build it anyway if it is not there yet.
  // The AI track's instruments load then too (its model has been loading in its worker, off this
  // thread, since the page opened): a first Play on the AI track then waits for no download.
  // A warm-up that fails (Tone.js did not arrive) is only a warning: Play loads what is missing.
  // A Play with no sign before it (the first input, a tap) starts it too, beside its own loading.
  const warmUp = onFirstIntent(() =>
    ready
      .then(() => {
        warm(loader.meta ? ai.warmArrangement() : { parts: [] });
        loader.load(ready).catch(() => {}); // a failure shows in the status line; Play retries
      })
      .catch((err) => console.warn(`lofi: warming up for the first note failed: ${err.message}`)),
  );

  // The drum pattern's swing (MPC percent, audio/swing.js) for a drums choice (an id, null for
  // none, true/undefined: the current one): the groove of the AI track and of songs without their
  // own. Without drums the music still swings, at the default.
  function drumSwing(choice) {
    const id = choice === true || choice === undefined ? layers.choices().drums : choice || null;
    return id ? Number(layers.find('drums', id)?.swing ?? DEFAULT_SWING) : DEFAULT_SWING;
  }

  // A song, or the AI track whole ('ai'); `swing` for one without its own groove.
  async function arrangementFor(song, { swing = null } = {}) {
    if (song === 'ai') return ai.arrangement({ swing });
    return withSwing(songArrangement(await catalogue.song(song)), swing);
  }

  // drums, ambience, quote: an id, or null/false for off; true or left out: the current choice
  // (drums default to the first pattern). bpm: overrides the song's tempo (tests, power users).
  // at: 'now' (the default) starts from bar 1; 'next-bar' lets the song take over from the one
  // playing at its next bar line, without a stop (from bar 1 when nothing plays). The result's
  // startBar is that bar, counted from the first play().
  // station: the station's options (station/index.js stationOptions) when song is 'station'.
  async function play({ song, drums = true, ambience, quote, bpm = null, solo, fresh = false, progression, at = 'now', station: stationOptions = null } = {}) {
    if (at !== 'now' && at !== 'next-bar') throw new Error(`at must be 'now' or 'next-bar', not ${JSON.stringify(at)}`);
    if (bpm !== null && bpm !== undefined && !(Number(bpm) >= MIN_BPM && Number(bpm) <= MAX_PLAY_BPM)) {
      throw new Error(`a tempo is ${MIN_BPM} to ${MAX_PLAY_BPM} bpm, not ${JSON.stringify(bpm)}`);
    }
    const playCalledAt = performance.now();
    player.unlock(); // synchronously, while a click that called play() still counts as a gesture
    warmUp();
    await ready;
    const id = song ?? catalogue.defaultSong();
    // Typed chords are read here, once, and go on as read (ai/track.js readProgression).
    const read = readChords(progression);
    if (id === 'ai' && solo?.progression !== undefined) solo = { ...solo, progression: readChords(solo.progression) };
    if (progression !== undefined) ai.setProgression(read);
    bpm = bpm || tempo;
    lastPlay = { song: id, bpm, fresh };
    // A restart stops the AI track at once; a song taking over at the next bar leaves the one
    // playing alone until the new one is ready (and, should it fail, playing on).
    const switching = at === 'next-bar' && player.playing && !player.paused;
    const previousLive = live;
    if (!switching) {
      previousLive?.stop();
      if (previousLive === station.live()) station.stopped();
    }
    live = null;
    let controller = null;
    let startBar;
    try {
      let arrangement;
      let firstNote = null;
      let loops = layers.loops();
      if (id === 'ai') {
        ({ arrangement, firstNote, controller, loops } = await ai.live({ solo, fresh, playCalledAt, loops, swing: drumSwing(drums) }));
      } else if (id === 'station') {
        // The station playing takes new chords or settings from its next tune, at the next bar:
        // the same station, not a new one.
        const playing = switching && previousLive && previousLive === station.live() ? station.now(player.nextBarTicks()) : null;
        if (playing && stationOptions?.seed === undefined) stationOptions = { ...(stationOptions ?? {}), seed: playing.station, start: playing.index + 1 };
        ({ arrangement, firstNote, controller } = await station.start({ ...(stationOptions ?? {}), progression: stationOptions?.progression !== undefined ? readChords(stationOptions.progression) : ai.progression() }, { settings: solo ?? {}, bpm, quoteAt, playCalledAt }));
        bpm = null; // the station sets each tune's tempo itself
      } else {
        arrangement = await arrangementFor(id, { swing: drumSwing(drums) });
      }
      const [prepared] = await Promise.all([layers.prepareAll(arrangement, { drums, ambience, quote }), firstNote]);
      previousLive?.stop();
      if (previousLive && previousLive !== controller && previousLive === station.live()) station.stopped();
      live = controller;
      const { audible, bar } = await (switching ? player.switchTo(arrangement, prepared, { loops, bpm }) : player.play(arrangement, prepared, { loops, bpm }));
      startBar = bar;
      hearing(true);
      emit('state', state());
      status.set(
        'audio',
        audible ? 'ok' : 'warn',
        audible ? `Playing ${catalogue.describe(id)} at ${arrangement.bpm} bpm${switching ? ` from bar ${Math.round(bar) + 1}` : ''}` : 'The browser has not allowed audio yet: press Play again.',
      );
    } catch (err) {
      controller?.stop();
      if (live === controller) live = null;
      if (switching && live === null && previousLive && !previousLive.stopped) live = previousLive; // the old song plays on
      status.set('audio', 'error', `Playback failed: ${err.message}`);
      throw err;
    }
    return { ...state(), startBar };
  }

  async function stop() {
    live?.stop();
    if (live && live === station.live()) station.stopped();
    live = null;
    await player.stop();
    hearing(false);
    emit('ambience', null);
    emit('state', state());
    status.set('audio', 'info', 'Stopped');
    return state();
  }

  async function pause() {
    await player.pause();
    hearing(false);
    status.set('audio', 'info', 'Paused');
    emit('state', state());
    return state();
  }

  async function resume() {
    await player.resume();
    if (player.current) hearing(true);
    if (player.current) status.set('audio', 'ok', `Playing ${catalogue.describe(player.current.id)}`);
    emit('state', state());
    return state();
  }

  // The choice is the page's at once, before the sound engine has loaded too (the scene and the
  // controls show it); the sound follows from the next bar once its files are in (a layer is
  // prepared only while something plays, when the engine is there).
  async function setLayer(layer, id) {
    const setting = layers.setLayer(layer, id);
    emit('state', state());
    const result = await setting;
    emit('state', state());
    return result;
  }

  // What the tune playing is written from changed (a mood): the AI track writes a new piece over
  // the current chords, the radio its next tune, heard from the next bar; a song plays on. Null
  // when nothing is to follow (nothing plays, paused, a song).
  async function follow({ mood } = {}) {
    if (!player.current || player.paused) return null;
    const id = player.current.id;
    if (id === 'ai') return play({ song: 'ai', at: 'next-bar', fresh: lastPlay?.fresh ?? false });
    if (id === 'station' && live && live === station.live()) return play({ song: 'station', at: 'next-bar', station: mood === undefined ? {} : { mood } });
    return null;
  }

  // The listener's tempo (null: each track's own). While a track plays it is heard from the next
  // bar line, and a share link made from then on carries it.
  function setTempo(bpm) {
    const value = bpm === null || bpm === undefined || bpm === '' ? null : Number(bpm);
    if (value !== null && !(value >= 30 && value <= 240)) throw new Error('a tempo is 30 to 240 bpm');
    return useTempo(value);
  }
  function useTempo(value) {
    tempo = value;
    if (lastPlay) lastPlay = { ...lastPlay, bpm: value };
    const track = station.live();
    let bpm = value;
    if (track && track === live) {
      // The station's tunes from now on at this tempo, or (none) each at its own again.
      track.bpm = value;
      bpm = value ?? station.now(player.nextBarTicks())?.bpm ?? null;
    }
    if (player.current) {
      player.setBpm(bpm).then(
        () => emit('state', state()),
        (err) => status.set('tempo', 'error', `The new tempo could not be applied: ${err.message}`),
      );
    }
    return tempo;
  }

  // Chords that cannot be read are named (symbol and bar) before anything stops or starts, so
  // what plays goes on and the message is about the chords, not a failed playback. Returns the
  // chords as read (null for none).
  function readChords(text) {
    try {
      return ai.readProgression(text);
    } catch (err) {
      if (!err.errors) throw err;
      const message = `Chords not used: ${err.errors.map((e) => e.message).join('; ')}.${player.current ? ' The music plays on.' : ''}`;
      status.set('chords', 'error', message);
      const error = new Error(message);
      error.errors = err.errors;
      throw error;
    }
  }

  const heardTicks = () => (Tone ? Tone.getTransport().getTicksAtTime(Tone.getContext().currentTime) : 0);

  function stationState(track) {
    return { seed: station.options()?.seed ?? null, generating: track.generating, firstNote: track.firstNote, writes: { ...track.writes, marginMs: [...track.writes.marginMs] }, placed: track.placed.length };
  }

  // Between the station's tunes, when the listener has quotes on, the quotes take turns, from
  // the chosen one on: each is said once in its turn, over a tune's intro (from `ticks`).
  let quotesSaid = 0;
  async function quoteAt(ticks) {
    const chosen = layers.choices().quote;
    const quotes = layers.media().quotes;
    if (!chosen || !quotes.length || !player.session) return;
    const first = Math.max(0, quotes.findIndex((q) => q.id === chosen));
    const id = quotes[(first + ++quotesSaid) % quotes.length].id;
    const prep = await layers.prepareOne('quote', id);
    if (prep && player.session && Tone.getTransport().ticks < ticks) player.session.setLayer('quote', prep, ticks);
  }

  // The next tune of the station from the next bar line; resolves to its index (null: no station).
  async function skip() {
    const track = station.live();
    if (!track || track !== live || !player.session) return null;
    const index = track.skip(player.nextBarTicks());
    emit('state', state());
    return index;
  }

  function state() {
    const loaded = loader.loaded;
    return {
      playing: player.current !== null,
      paused: player.paused,
      song: player.current?.id ?? null,
      bpm: player.current ? Math.round(player.sessionBpm * 100) / 100 : null,
      bar: player.bar,
      layers: layers.choices(),
      volumes: layers.volumes(),
      backend: loaded?.backend ?? null,
      modelLoaded: loaded !== null,
      encoding: loader.encoding(), // the model's: 'leadsheet' composes, 'timed' generates
      progression: ai.progression()?.text ?? null,
      tempo,
      ...extraState(),
      position: player.position,
      generator: loaded ? loader.generator.kind : null,
      // The AI track while it plays: firstNote {triggerMs, soundMs, tokensGenerated, generationDone}.
      // The tune heard now (the Transport's ticks run a look-ahead early), also while another
      // station waits for its first bar.
      tune: station.live() && (station.live() === live || live === null) ? station.now(heardTicks()) : null,
      station: station.live() && station.live() === live ? stationState(live) : null,
      listenedSeconds: Math.round((listened.ms + (listened.since === null ? 0 : performance.now() - listened.since)) / 100) / 10,
      solo: live && live !== station.live()
        ? { pass: live.pass, fresh: live.fresh, generating: live.generating, key: live.key ?? null, progression: live.progression ?? null, tokens: live.passes[live.pass]?.tokens.length ?? 0, firstNote: live.firstNote, renewed: live.renewed, repeated: live.repeated, writes: { ...live.writes } }
        : null,
    };
  }

  return {
    player,
    layers,
    warm,
    drumSwing,
    arrangementFor,
    play,
    skip,
    stop,
    pause,
    resume,
    setLayer,
    follow,
    setTempo,
    state,
    tempo: () => tempo,
    // A tempo the page chose itself (a mood's), already in range.
    useTempo,
    lastPlay: () => lastPlay,
    // The song playing, else the last one played, else the default one.
    currentSong: () => player.current?.id ?? lastPlay?.song ?? catalogue.defaultSong(),
  };
}
