// The listener's own music: the chords (checked as they are typed, a bad symbol named under the
// field), the tempo (30 to 240, refused otherwise), and the mood from a sentence.

import { readNumber, showFieldResult } from './fields.js';

const $ = (id) => document.getElementById(id);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// What the AI does with the chords typed in, in plain words. A lead-sheet model writes its melody
// over them (they repeat to fill the piece: `pieceBars`); a "timed" model starts its tune from them
// (it hears them in C major / A minor) while they loop on their own bars under it.
export function progressionMessage(info, encoding, pieceBars = info.soloLoopBars) {
  const bars = `${plural(info.bars, 'bar')} in ${info.key}`;
  if (encoding === 'leadsheet') return `${bars}. The AI writes a melody over your chords: a piece of ${plural(pieceBars, 'bar')}.`;
  const moved = info.shift ? ` (heard in C major / A minor as ${info.modelChords.join(' ')}, its tune moved back to your key)` : '';
  return `${bars}, looping under the tune every ${plural(info.bars, 'bar')}. The AI starts its tune from your chords${moved}.`;
}

// The mood sentence last set (and still in its field), which the AI radio plans its tunes by.
let appliedMood = null;
export const currentMood = () => appliedMood;

export function bindChords(lofi, status, { song, sound = null }) {
  const el = {
    tempo: $('tempo'),
    progression: $('progression'),
    progressionMessage: $('progression-message'),
    bars: $('bars'),
    moodText: $('mood-text'),
    moodApply: $('mood-apply'),
    moodReason: $('mood-reason'),
  };

  function checkProgression() {
    const text = el.progression.value.trim();
    el.progressionMessage.classList.remove('inline-error');
    el.progression.removeAttribute('aria-invalid');
    if (!text) {
      el.progressionMessage.textContent = '';
      lofi.setProgression(null).catch(() => {});
      return true;
    }
    const result = lofi.parseProgression(text);
    if (!result.ok) {
      el.progressionMessage.textContent = result.errors.map((e) => e.message).join('; ');
      el.progressionMessage.classList.add('inline-error');
      el.progression.setAttribute('aria-invalid', 'true');
      return false;
    }
    el.progressionMessage.textContent = progressionMessage(result, lofi.state().encoding, Number(el.bars.value) || undefined);
    // The chords as typed are the AI track's at once (a MIDI download uses them before any Play).
    lofi.setProgression(text).catch(() => {});
    return true;
  }
  el.progression.addEventListener('input', checkProgression);
  el.bars.addEventListener('input', checkProgression);

  // A tempo out of range is named under the field and not used: the one in use stays.
  function applyTempo() {
    const result = showFieldResult(el.tempo, readNumber(el.tempo, { optional: true }));
    if (!result.ok) {
      status.set('tempo', 'warn', result.message);
      return false;
    }
    try {
      lofi.setTempo(result.value);
      if (status.get('tempo')) status.set('tempo', 'ok', result.value ? `Tempo ${result.value} bpm.` : "The track's own tempo.");
    } catch (err) {
      status.set('tempo', 'error', err.message);
      return false;
    }
    return true;
  }
  el.tempo.addEventListener('change', applyTempo);

  // Mood from a sentence: fills the chords and the tempo, picks the ambience and drums, says why.
  el.moodApply.addEventListener('click', async () => {
    el.moodApply.disabled = true;
    try {
      // The radio plans its tunes by the mood (mode, tempo, drums) and keeps your chords field as
      // it is; one AI tune and the songs take its chords and tempo.
      // A hand-written song gives way to the AI radio, which writes to the mood; one AI tune stays.
      const toRadio = song.value !== 'ai' && song.value !== 'station' && [...song.options].some((o) => o.value === 'station' && !o.disabled);
      const radio = song.value === 'station' || toRadio;
      const choice = await lofi.applyMood(el.moodText.value, { chords: !radio });
      if (!radio) {
        el.progression.value = choice.progression;
        el.tempo.value = String(choice.bpm);
        showFieldResult(el.tempo, readNumber(el.tempo, { optional: true }));
      }
      el.moodReason.textContent = radio ? choice.radioReason : choice.reason;
      appliedMood = el.moodText.value.trim() || null;
      // Its ambience and drums, chosen the way a key or a share link chooses them.
      await Promise.all(['ambience', 'drums'].map((layer) => sound?.choose(layer, choice[layer])));
      if (toRadio) {
        song.value = 'station';
        song.dispatchEvent(new Event('change'));
      }
      checkProgression();
      // What plays follows the new chords as it follows typed ones (the radio: from its next tune).
      el.progression.dispatchEvent(new Event('change'));
    } catch (err) {
      status.set('mood', 'error', err.message);
    } finally {
      el.moodApply.disabled = false;
    }
  });
  el.moodText.addEventListener('input', () => {
    if (!el.moodText.value.trim()) appliedMood = null;
  });
  el.moodText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      el.moodApply.click();
    }
  });

  return { checkProgression, applyTempo };
}
