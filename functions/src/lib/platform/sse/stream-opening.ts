// The first bytes of every stream a function writes (our SSE and the callable protocol's stream): one
// SSE comment, padded to STREAM_OPENING_BYTES.
//
// Why: Apple's URLSession, under every iOS app (the Firebase iOS SDK, Flutter and React Native on
// iOS, Expo's fetch), holds back the first 512 bytes of a response body before it hands any of it to
// the app (Apple bug 31862557, 2017; seen again in 2024 with streamed AI replies: expo/expo#32950,
// vercel/ai#3946). A stream opening with a few bytes would reach an iOS app only once its events added
// up to 512 bytes: a short `start` and the first words would sit in that buffer. An opening that fills
// the window by itself lets every event after it through as it is written.
// How much: 2048 bytes, four times the reported 512, so a larger window (Chromium sniffs 1024 bytes,
// the WHATWG MIME Sniffing standard's resource header is 1445) is filled too. Not measured on a
// device here (no iOS in CI); the value is the reported one with a margin. Cost: 2 KiB per stream.
// Every SSE reader ignores comments (the Firebase SDKs read only `data:` lines).
export const STREAM_OPENING_BYTES = 2048;

const COMMENT = ': ok';
const LINE_ENDS = '\n\n';

/** `: ok`, spaces, a blank line: exactly STREAM_OPENING_BYTES bytes. */
export const STREAM_OPENING = `${COMMENT}${' '.repeat(STREAM_OPENING_BYTES - COMMENT.length - LINE_ENDS.length)}${LINE_ENDS}`;
