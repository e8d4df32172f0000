/// <reference types="vite/client" />
// The emoji picker proper: loaded only when someone opens it (EmojiButton imports this module
// dynamically, so it and the `emoji-picker-element` package form their own chunk). Its emoji
// data (the `emoji-picker-element-data` package, English, emojibase shortcodes) is bundled as a
// hashed asset and served from our own origin: never from a CDN, as the page's CSP requires.
import Picker from 'emoji-picker-element/picker.js';
import dataSource from 'emoji-picker-element-data/en/emojibase/data.json?url';

/** A new `<emoji-picker>` element reading our copy of the data; it fires `emoji-click`. */
export function createEmojiPicker(): HTMLElement {
  return new Picker({ dataSource, locale: 'en' });
}
