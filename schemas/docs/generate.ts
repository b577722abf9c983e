import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DICTIONARY_PATH, dataDictionary } from './data-dictionary.ts';

/** `npm run docs`: writes the data dictionary from the definitions. */
const path = resolve(import.meta.dirname, '../..', DICTIONARY_PATH);
writeFileSync(path, dataDictionary());
console.log(`wrote ${DICTIONARY_PATH}`);
