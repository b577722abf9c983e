import { Area } from './area.ts';

/**
 * Leicester, Leicestershire and Rutland. Populations: Census 2021 usual residents (ONS), rounded to the nearest 100.
 *
 * The sector table for split districts is an illustrative approximation made for this service's sample data;
 * a deployment replaces it with one derived from the ONS postcode directory (NSPL), which is a data change only.
 */
export const llr = Area.parse({
  id: 'llr',
  name: 'Leicester, Leicestershire and Rutland',
  populationSource: 'ONS Census 2021 usual residents, rounded to the nearest 100',
  localities: [
    { slug: 'leicester', name: 'Leicester', onsCode: 'E06000016', population: 368_600, panel: 'city' },
    { slug: 'blaby', name: 'Blaby', onsCode: 'E07000129', population: 102_900, panel: 'county' },
    { slug: 'charnwood', name: 'Charnwood', onsCode: 'E07000130', population: 183_900, panel: 'county' },
    { slug: 'harborough', name: 'Harborough', onsCode: 'E07000131', population: 97_600, panel: 'county' },
    { slug: 'hinckley-and-bosworth', name: 'Hinckley and Bosworth', onsCode: 'E07000132', population: 113_600, panel: 'county' },
    { slug: 'melton', name: 'Melton', onsCode: 'E07000133', population: 51_800, panel: 'county' },
    { slug: 'north-west-leicestershire', name: 'North West Leicestershire', onsCode: 'E07000134', population: 104_700, panel: 'county' },
    { slug: 'oadby-and-wigston', name: 'Oadby and Wigston', onsCode: 'E07000135', population: 57_700, panel: 'county' },
    { slug: 'rutland', name: 'Rutland', onsCode: 'E06000017', population: 41_000, panel: 'county' },
  ],
  panels: [
    { id: 'city', name: 'Leicester City Prevention Panel', runBy: 'leicester-city-council' },
    { id: 'county', name: 'Leicestershire County Prevention Panel', runBy: 'leicestershire-county-council' },
  ],
  districts: {
    LE1: 'leicester',
    LE10: 'hinckley-and-bosworth',
    LE11: 'charnwood',
    LE13: 'melton',
    LE15: 'rutland',
    LE16: 'harborough',
    LE17: 'harborough',
    LE18: 'oadby-and-wigston',
    LE19: 'blaby',
    LE65: 'north-west-leicestershire',
    CV13: 'hinckley-and-bosworth',
    DE12: 'north-west-leicestershire',
    DE74: 'north-west-leicestershire',
  },
  sectors: {
    'LE2 0': 'leicester', 'LE2 1': 'leicester', 'LE2 2': 'leicester', 'LE2 3': 'leicester',
    'LE2 4': 'oadby-and-wigston', 'LE2 5': 'oadby-and-wigston', 'LE2 6': 'leicester', 'LE2 7': 'leicester',
    'LE2 8': 'leicester', 'LE2 9': 'blaby',
    'LE3 0': 'leicester', 'LE3 1': 'leicester', 'LE3 2': 'leicester', 'LE3 3': 'blaby', 'LE3 5': 'leicester',
    'LE3 6': 'leicester', 'LE3 8': 'blaby', 'LE3 9': 'leicester',
    'LE4 0': 'leicester', 'LE4 1': 'leicester', 'LE4 2': 'leicester', 'LE4 3': 'charnwood', 'LE4 4': 'leicester',
    'LE4 5': 'leicester', 'LE4 6': 'leicester', 'LE4 7': 'leicester', 'LE4 8': 'charnwood', 'LE4 9': 'leicester',
    'LE5 0': 'leicester', 'LE5 1': 'leicester', 'LE5 2': 'leicester', 'LE5 3': 'leicester', 'LE5 4': 'leicester',
    'LE5 5': 'leicester', 'LE5 6': 'leicester',
    'LE6 0': 'hinckley-and-bosworth',
    'LE7 1': 'charnwood', 'LE7 2': 'charnwood', 'LE7 3': 'charnwood', 'LE7 4': 'charnwood', 'LE7 7': 'harborough',
    'LE7 9': 'harborough',
    'LE8 0': 'harborough', 'LE8 4': 'blaby', 'LE8 5': 'blaby', 'LE8 6': 'blaby', 'LE8 8': 'harborough',
    'LE8 9': 'harborough',
    'LE9 2': 'blaby', 'LE9 4': 'blaby', 'LE9 6': 'blaby', 'LE9 7': 'hinckley-and-bosworth',
    'LE9 8': 'hinckley-and-bosworth', 'LE9 9': 'hinckley-and-bosworth',
    'LE12 5': 'charnwood', 'LE12 6': 'charnwood', 'LE12 7': 'charnwood', 'LE12 8': 'charnwood',
    'LE12 9': 'north-west-leicestershire',
    'LE14 2': 'melton', 'LE14 3': 'melton', 'LE14 4': 'charnwood',
    'LE67 1': 'north-west-leicestershire', 'LE67 2': 'north-west-leicestershire', 'LE67 3': 'north-west-leicestershire',
    'LE67 4': 'north-west-leicestershire', 'LE67 5': 'north-west-leicestershire', 'LE67 6': 'north-west-leicestershire',
    'LE67 8': 'north-west-leicestershire', 'LE67 9': 'hinckley-and-bosworth',
  },
});
