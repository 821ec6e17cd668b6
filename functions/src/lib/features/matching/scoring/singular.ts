// English plural folding for one lower-case word, so "Hikes" and "hike" or "parties" and "party"
// compare equal. Deliberately rule-based and small: it only has to map a plural and its singular to
// the same key, not to produce correct English. It does no stemming ("hiking" stays "hiking").

/** Words that end like plurals but are not (or whose singular is the same). */
const INVARIANT = new Set([
  'news',
  'series',
  'species',
  'christmas',
  'canvas',
  'atlas',
  'texas',
  'vegas',
  'chaos',
  'cosmos',
  'ethos',
  'pathos',
  'lens',
]);

/** "-ies" plurals whose singular ends in "-ie", not "-y" ("movies" -> "movie", not "movy"). */
const IE_PLURALS = new Set([
  'movies',
  'cookies',
  'selfies',
  'zombies',
  'hippies',
  'rookies',
  'foodies',
  'techies',
  'goalies',
  'smoothies',
  'brownies',
  'indies',
  'aussies',
  'newbies',
  'genies',
  'pixies',
  'boogies',
  'hoodies',
  'calories',
  'veggies',
  'barbies',
  'walkies',
  'yuppies',
  'roomies',
]);

/** Below this length a word is left alone: "gas", "bus", "yes", "its". */
const MIN_PLURAL_LENGTH = 4;

export function singularWord(word: string): string {
  const n = word.length;
  if (n < MIN_PLURAL_LENGTH || word.charCodeAt(n - 1) !== 0x73 /* s */ || INVARIANT.has(word)) {
    return word;
  }
  // "-ss" (chess, fitness), "-us" (campus), "-is" (tennis) are singular already.
  if (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('ies') && n > MIN_PLURAL_LENGTH) {
    return IE_PLURALS.has(word) ? word.slice(0, -1) : `${word.slice(0, -3)}y`;
  }
  // Sibilant stems take "-es": classes, boxes, beaches, dishes; "quizzes" also doubles the z.
  if (word.endsWith('zzes')) return word.slice(0, -3);
  if (/(?:ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}
