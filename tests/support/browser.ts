/** Browser tests and the flash-sale harness launch the same system Chromium. */
export { CHROMIUM_PATH, launchChromium } from "@/scripts/stack/chromium";
