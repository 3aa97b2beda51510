// Media Session: the track in the system's media controls (the radio's tune, with the site's icon
// as its artwork), and its play, pause, stop, next and previous keys (the radio's next tune, or
// its last one again; else the next or previous track of the list). What it shows is what
// window.lofi publishes.

// The site's icons (builder/pwa.py writes them), as absolute URLs: the system fetches them itself.
const ARTWORK = [
  { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
  { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
];

export function bindMediaSession(lofi, { track, song }) {
  if (!('mediaSession' in navigator)) return;
  const session = navigator.mediaSession;
  const artwork = ARTWORK.map((a) => ({ ...a, src: new URL(a.src, document.baseURI).href }));
  const playing = () => lofi.state().playing && !lofi.state().paused;
  const radio = () => lofi.state().song === 'station' && lofi.state().playing;
  // Another track of the list (step 1 or -1), taken in as a listener's choice is.
  const stepTrack = (step) => {
    const count = song.options.length;
    let index = song.selectedIndex;
    do index = (index + step + count) % count;
    while (song.options[index].disabled && index !== song.selectedIndex);
    song.selectedIndex = index;
    song.dispatchEvent(new Event('change'));
  };
  const handlers = {
    play: () => (playing() ? null : track.togglePlay()),
    pause: () => (playing() ? track.togglePlay() : null),
    stop: () => track.stop(),
    nexttrack: () => (radio() ? track.nextTune() : stepTrack(1)),
    // The radio's tune before the one playing, written again; else the track before in the list.
    previoustrack: () => {
      const now = lofi.state().tune;
      const before = radio() && now ? lofi.history().findLast((t) => Number(t.station) === Number(now.station) && t.index < now.index) : null;
      return before ? track.replayTune(before) : stepTrack(-1);
    },
  };
  for (const [name, handler] of Object.entries(handlers)) {
    try {
      session.setActionHandler(name, handler);
    } catch {
      // An action this browser does not know.
    }
  }
  const show = (state) => {
    session.playbackState = state.playing ? (state.paused ? 'paused' : 'playing') : 'none';
    if (!state.playing || typeof MediaMetadata === 'undefined') return;
    const tune = state.tune;
    const title = tune ? `AI radio: tune ${tune.index + 1}, ${tune.key}` : song.options[song.selectedIndex]?.textContent ?? 'Lofi Player';
    const media = lofi.media();
    const name = (list, id, field) => (id ? list.find((item) => item.id === id)?.[field] : null);
    const mood = [name(media.ambience, state.layers.ambience, 'title'), name(media.drums, state.layers.drums, 'name')].filter(Boolean);
    session.metadata = new MediaMetadata({ title, artist: 'Lofi Player', album: mood.join(' · ') || 'Lofi Player', artwork });
  };
  lofi.on('state', show);
  lofi.on('tune', () => show(lofi.state()));
}
