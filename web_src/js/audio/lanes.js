// What a drum lane is, from its name: the page's pulse, a station tune's fills and the MIDI file's
// drum notes need kicks, snares (rims, claps, snaps) and the rest (hats, cymbals).

export function laneKind(lane) {
  const name = String(lane).toLowerCase();
  if (/kick|bd|bass/.test(name)) return 'kick';
  if (/snare|sn|rim|clap|snap/.test(name)) return 'snare';
  return 'hat';
}
