import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Schemas use Zod's tree-shakable build (`zod/mini`) with only English messages: the full build
 * carries every locale (about 440 KB minified), which would double each function's bundle and
 * its cold start. Import `* as z from 'zod/mini'` and this file for its side effect; never pass
 * the `z` namespace around as a value, or the bundler has to keep all of it.
 */
config(en());
