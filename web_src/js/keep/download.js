// Browser downloads of what the page keeps (MIDI, WAV, recordings). Nothing leaves the page.

// Offers a Blob as a download (an <a download> clicked once; the object URL is freed after).
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

