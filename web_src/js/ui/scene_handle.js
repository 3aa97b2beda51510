// The page's side of the scene: what the listener chose (the ambience) and whether music moves.
// The controls tell this handle; the scene's drawing (ui/scene/) attaches to it whenever it has
// loaded and is told the current state at once, so a choice made before it exists (a share link
// opened in a fresh browser) is never lost. The container's data attributes say the same for CSS
// and for tests.

export function createSceneHandle(container) {
  const state = { ambience: null, background: 'night', moving: false };
  let drawing = null; // {setAmbience(id, background), setMoving(moving), note(...), drum(...)}

  return {
    container,
    state: () => ({ ...state }),
    // id: the ambience's id from media.json, or null for none; background: its scene name
    // (rain, fire, wind, water, vinyl or night).
    setAmbience(id, background = null) {
      state.ambience = id || null;
      state.background = id ? background || 'night' : 'night';
      if (container) {
        container.dataset.ambience = state.ambience ?? 'none';
        container.dataset.background = state.background;
      }
      drawing?.setAmbience?.(state.ambience, state.background);
    },
    setMoving(moving) {
      state.moving = Boolean(moving);
      if (container) container.dataset.moving = String(state.moving);
      drawing?.setMoving?.(state.moving);
    },
    note: (...args) => drawing?.note?.(...args),
    drum: (...args) => drawing?.drum?.(...args),
    // The drawing, once loaded: it gets the state chosen so far.
    attach(impl) {
      drawing = impl;
      drawing?.setAmbience?.(state.ambience, state.background);
      drawing?.setMoving?.(state.moving);
    },
  };
}
