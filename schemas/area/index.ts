export { Area, UNKNOWN_LOCALITY, type Locality } from './area.ts';
export { llr } from './llr.ts';
