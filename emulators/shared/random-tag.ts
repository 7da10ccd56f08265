/**
 * A short random base-36 tag (run tags, notification ids), from the emulator's own random source
 * so seeded tests get the same ids every run.
 */
export const randomTag = (random: () => number, chars: number): string =>
  Math.floor(random() * 36 ** chars)
    .toString(36)
    .padStart(chars, "0");
