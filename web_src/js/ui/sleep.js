// The "Stop after" choice (audio/sleep_timer.js): picking a time sets the sleep timer, "Keep
// playing" clears it, and the choice goes back to "Keep playing" once the timer has run out. Not
// remembered across visits: a timer that started itself when the page opened would surprise.

export function bindSleep(lofi, status, select) {
  select.addEventListener('change', () => {
    try {
      lofi.sleepTimer(select.value ? Number(select.value) : null);
      status.set('sleep', 'ok', select.value ? `The music stops after ${select.selectedOptions[0].textContent}.` : 'The sleep timer is off.');
    } catch (err) {
      status.set('sleep', 'error', err.message);
    }
  });
  lofi.on('state', (state) => {
    if (!state.sleepTimer && select.value) select.value = '';
  });
}

// The words for the time left ("stops in 12 min"), or '' with no timer.
export function sleepWords(timer) {
  if (!timer) return '';
  const minutes = Math.ceil(timer.remainingMs / 60_000);
  return timer.fading || minutes <= 1 ? 'stopping soon' : `stops in ${minutes} min`;
}
