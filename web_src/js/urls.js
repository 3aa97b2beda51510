// Every URL the page fetches is resolved against document.baseURI, never against "/":
// the site is served from a sub-path (GitHub Pages puts project sites under /REPO/),
// and the bundle itself lives in assets/, so import.meta.url would point one level too deep.

export function siteUrl(path) {
  return new URL(path, document.baseURI).href;
}

// fetch() + JSON with an error message that names the file, so a missing file is easy to spot
// in the status area.
export async function fetchJson(path) {
  const url = siteUrl(path);
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`could not fetch ${path} (${err.message})`, { cause: err });
  }
  if (!response.ok) throw new Error(`could not fetch ${path} (HTTP ${response.status})`);
  try {
    return await response.json();
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${err.message})`, { cause: err });
  }
}
