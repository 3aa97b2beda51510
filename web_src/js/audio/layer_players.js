// The layers' players in a session (audio/schedule.js): the drum pattern, the ambience (two players
// cross-fading every pass) and the quote (once). Each is an instance with a start and an end in
// ticks: a change ends the current one at a bar line and starts the next there, and callbacks
// outside [start, end) are ignored. `session` carries what they share with the session: its
// transport, graph chain, tick clock, log, hooks, loop lengths and what it disposes.

import { Tone } from './tone.js';
import { createKit, drumEvents, drumKind } from './drums.js';
import { count } from './probe.js';
import { humanise, humanVelocity } from './swing.js';

const CROSSFADE = 0.8; // seconds, between two passes of an ambience

export function startDrums(session, prep, startTicks) {
  const { chain, ticksAt, record, hooks, loopTicks, ticksPerBar, qpb, origin, disposables, swing, seed } = session;
  const kit = createKit(prep.buffers, chain.inputs.drums);
  const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
  const part = count('part', new Tone.Part((time, event) => {
    const ticks = ticksAt(time);
    if (ticks < instance.start || ticks >= instance.end) return;
    // Humanised as the music is (audio/swing.js); the log keeps the swung tick.
    const human = humanise(seed, event.lane, event.bar * 16 + event.step);
    kit.hit(event.lane, Math.max(0, time + human.seconds), humanVelocity(event.velocity, human));
    record({ layer: 'drums', id: prep.id, lane: event.lane, loopBar: event.bar, step: event.step }, time);
    hooks.onDrum?.(drumKind(event.lane), event.velocity, time);
  }, drumEvents(prep.entry, { loopBars: loopTicks.drums / ticksPerBar, quartersPerBar: qpb, swing })));
  part.loop = true;
  part.loopEnd = `${loopTicks.drums}i`;
  part.start(`${startTicks}i`, `${(startTicks - origin) % loopTicks.drums}i`);
  instance.stop = (ticks) => part.stop(`${ticks}i`);
  disposables.push(part);
  return instance;
}

export function startAmbience(session, prep, startTicks) {
  const { transport, chain, ticksAt, record, hooks, loopTicks, origin, disposables } = session;
  const gain = count('node', new Tone.Gain(prep.entry.gain ?? 1)).connect(chain.inputs.ambience);
  const players = [0, 1].map(() => count('node', new Tone.Player({ url: prep.buffer, loop: true, fadeIn: CROSSFADE, fadeOut: CROSSFADE })).connect(gain));
  const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
  let pass = 0;
  const begin = (time) => {
    const ticks = ticksAt(time);
    if (ticks < instance.start || ticks >= instance.end) return;
    const player = players[pass % 2];
    const previous = players[(pass + 1) % 2];
    if (player.state === 'started') player.stop(time);
    player.start(time);
    if (pass > 0 && previous.state === 'started') previous.stop(time);
    pass += 1;
    record({ layer: 'ambience', id: prep.id, pass }, time);
    hooks.onAmbience?.(prep.entry, time);
  };
  // The first pass starts at once; the later ones on the session's 12-bar grid.
  const ids = [transport.scheduleOnce(begin, `${startTicks}i`)];
  const grid = origin + Math.ceil((startTicks - origin + 1) / loopTicks.ambience) * loopTicks.ambience;
  ids.push(transport.scheduleRepeat(begin, `${loopTicks.ambience}i`, `${grid}i`));
  instance.stop = (ticks) => {
    ids.push(
      transport.scheduleOnce((time) => {
        for (const player of players) if (player.state === 'started') player.stop(time);
        hooks.onAmbience?.(null, time);
      }, `${ticks}i`),
    );
  };
  disposables.push({ dispose: () => ids.forEach((id) => transport.clear(id)) }, ...players, gain);
  return instance;
}

export function startQuote(session, prep, startTicks) {
  const { transport, chain, ticksAt, record, hooks, quoteTicks, disposables } = session;
  const gain = count('node', new Tone.Gain(prep.entry.gain ?? 1)).connect(chain.inputs.quote);
  const player = prep.buffer ? count('node', new Tone.Player({ url: prep.buffer, fadeOut: 0.05 })).connect(gain) : null;
  const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
  // Once, at the start of bar 5 ("4:0:0") of the listening, or at the next bar when picked later.
  const at = Math.max(startTicks, quoteTicks);
  const ids = [
    transport.scheduleOnce((time) => {
      if (ticksAt(time) >= instance.end) return;
      player?.start(time);
      record({ layer: 'quote', id: prep.id }, time);
      hooks.onQuote?.(prep.entry, time);
    }, `${at}i`),
  ];
  instance.stop = (ticks) => {
    ids.push(transport.scheduleOnce((time) => player?.state === 'started' && player.stop(time), `${ticks}i`));
  };
  disposables.push({ dispose: () => ids.forEach((id) => transport.clear(id)) }, ...(player ? [player] : []), gain);
  return instance;
}
