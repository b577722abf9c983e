export { Area, UNKNOWN_LOCALITY, type Locality } from './area.ts';
