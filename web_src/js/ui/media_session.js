// Media Session: the track in the system's media controls (the radio's tune), and its play, pause,
// stop and next keys (the radio's next tune).

export function bindMediaSession(lofi, { track, song, selects }) {
  if (!('mediaSession' in navigator)) return;
  const session = navigator.mediaSession;
  const handlers = {
    play: () => (lofi.state().playing && !lofi.state().paused ? null : track.togglePlay()),
    pause: () => (lofi.state().playing && !lofi.state().paused ? track.togglePlay() : null),
    stop: () => track.stop(),
    // The radio's next tune while it plays, else the next track of the list.
    nexttrack: () => {
      if (lofi.state().song === 'station' && lofi.state().playing) return track.nextTune();
      song.selectedIndex = (song.selectedIndex + 1) % song.options.length;
      song.dispatchEvent(new Event('change'));
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
    const mood = [selects.ambience, selects.drums].map((s) => (s.value ? s.options[s.selectedIndex].textContent : null)).filter(Boolean);
    session.metadata = new MediaMetadata({ title, artist: 'Lofi Player', album: mood.join(' · ') || 'Lofi Player' });
  };
  lofi.on('state', show);
  lofi.on('tune', () => show(lofi.state()));
}
