// Replays a stored or cached reply as several `delta`s rather than one block, so clients render it
// the same way as a live reply. Pieces end after whitespace where possible, never inside a
// surrogate pair, and join back to exactly the original text.

const PIECE_CHARS = 48;

export function splitForReplay(text: string, pieceChars = PIECE_CHARS): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + pieceChars, text.length);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end - 1);
      if (space >= start + pieceChars / 2) end = space + 1;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end++; // keep a surrogate pair together
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
