// Media Session: the track in the system's media controls, and its play, pause and stop keys.

export function bindMediaSession(lofi, { track, song, selects }) {
  if (!('mediaSession' in navigator)) return;
  const session = navigator.mediaSession;
  const handlers = {
    play: () => (lofi.state().playing && !lofi.state().paused ? null : track.togglePlay()),
    pause: () => (lofi.state().playing && !lofi.state().paused ? track.togglePlay() : null),
    stop: () => track.stop(),
    nexttrack: () => {
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
  lofi.on('state', (state) => {
    session.playbackState = state.playing ? (state.paused ? 'paused' : 'playing') : 'none';
    if (!state.playing || typeof MediaMetadata === 'undefined') return;
    const title = song.options[song.selectedIndex]?.textContent ?? 'Lofi Player';
    const mood = [selects.ambience, selects.drums].map((s) => (s.value ? s.options[s.selectedIndex].textContent : null)).filter(Boolean);
    session.metadata = new MediaMetadata({ title, artist: 'Lofi Player', album: mood.join(' · ') || 'Lofi Player' });
  });
}
