// Handing the browser a file the API answered (a PDF, an export) as a download: the API
// takes a bearer token, so a plain link cannot fetch it.

/** Saves `blob` as `name` through the browser's download. */
export function saveFile(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
