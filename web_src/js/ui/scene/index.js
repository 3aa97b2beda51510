// The scene is the page: a full-screen picture per ambience (rain on a window, a fireplace, wind in
// the trees, a creek, a quiet night when there is none) with the music drawn in it.
//
// This part loads with the page and stays small. Until the animated scene arrives, scene.css paints
// a still backdrop in the chosen scene's colours from the container's data-background, so the first
// screen is never empty. The animated scene (stage.js and p5, about 430 KB) is fetched only when
// the first note sounds: the model and the samples the first note needs are not kept waiting for
// it. If it cannot load, the scene says so in words and the music plays on.

export function mountScene(handle, { status }) {
  const container = handle.container ?? createContainer();
  let requested = false;

  function load() {
    if (requested) return;
    requested = true;
    import('./stage.js')
      .then(({ createStage }) => handle.attach(createStage(container)))
      .catch((err) => {
        showMessage(container, 'The animated scene could not load; the music plays on.');
        status.set('scene', 'warn', `Animated scene unavailable (${err.message}); the music plays on.`);
      });
  }

  // Stands in for the drawing until it has loaded: the handle keeps the ambience and the play
  // state, and gives them to the real one when it attaches.
  handle.attach({
    note: load,
    drum: load,
  });
  return { load };
}

// The page has no #scene of its own: one behind everything else, the size of the viewport.
function createContainer() {
  const container = document.createElement('div');
  container.id = 'scene';
  container.className = 'scene';
  container.setAttribute('aria-hidden', 'true');
  document.body.prepend(container);
  return container;
}

function showMessage(container, text) {
  let message = container.querySelector('.scene-message');
  if (!message) {
    message = document.createElement('p');
    message.className = 'scene-message';
    container.append(message);
  }
  message.textContent = text;
}
