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

// The mood sentence last applied (window.lofi's state says it), which the AI radio plans its tunes by.
let appliedMood = null;
export const currentMood = () => appliedMood;

export function bindChords(lofi, status, { song }) {
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

  // Mood from a sentence: the API takes it (the chords and the tempo, the ambience and drums,
  // heard from the next bar while a tune plays) and the fields show what it publishes.
  el.moodApply.addEventListener('click', async () => {
    el.moodApply.disabled = true;
    try {
      // The radio plans its tunes by the mood (mode, tempo, drums) and keeps your chords field as
      // it is; one AI tune and the songs take its chords and tempo.
      // A hand-written song gives way to the AI radio, which writes to the mood; one AI tune stays.
      const toRadio = song.value !== 'ai' && song.value !== 'station' && [...song.options].some((o) => o.value === 'station' && !o.disabled);
      const radio = song.value === 'station' || toRadio;
      await lofi.applyMood(el.moodText.value, { chords: !radio });
      if (toRadio) {
        song.value = 'station';
        song.dispatchEvent(new Event('change'));
      }
    } catch {
      // The API named the problem in the status line (an empty sentence).
    } finally {
      el.moodApply.disabled = false;
    }
  });
  // A sentence typed after one was refused: the refusal no longer holds.
  // An emptied sentence: the radio plans by no mood from its next Play.
  el.moodText.addEventListener('input', () => {
    if (!el.moodText.value.trim()) appliedMood = null;
    else if (status.get('mood')?.level === 'error') status.set('mood', 'info', 'Press Apply to use your mood.');
  });

  // What the API publishes: the chords, the tempo and the mood, whoever set them. A field is set
  // only when the published value changes and differs from what it holds, so a render never
  // undoes typing in progress.
  const shown = { progression: undefined, tempo: undefined, mood: undefined };
  lofi.on('state', (state) => {
    if (state.progression !== shown.progression) {
      shown.progression = state.progression;
      if (el.progression.value.trim() !== (state.progression ?? '')) {
        el.progression.value = state.progression ?? '';
        checkProgression();
      }
    }
    if (state.tempo !== shown.tempo) {
      shown.tempo = state.tempo;
      if ((Number(el.tempo.value) || null) !== state.tempo) {
        el.tempo.value = state.tempo === null ? '' : String(state.tempo);
        showFieldResult(el.tempo, readNumber(el.tempo, { optional: true }));
      }
    }
    const mood = state.mood ?? null;
    if (mood?.text !== shown.mood?.text || mood?.reason !== shown.mood?.reason) {
      shown.mood = mood;
      appliedMood = mood?.text ?? null;
      if (mood) {
        el.moodText.value = mood.text;
        el.moodReason.textContent = mood.reason;
      }
    }
  });
  el.moodText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      el.moodApply.click();
    }
  });

  return { checkProgression, applyTempo };
}
