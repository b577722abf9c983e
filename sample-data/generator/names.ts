import { Rng, Weighted } from './rng.ts';

/**
 * Invented people's names, made by combining common forenames and surnames, and the spelling variants the
 * partners' systems produce. Every variant of a name normalises to the same key (upper case, accents stripped,
 * hyphens as spaces, other punctuation removed, whitespace collapsed): there are no typos here. Accented letters
 * are only those of Latin-1, so every name can be written in Windows-1252.
 */

const words = (s: string): string[] => s.trim().split(/\s+/);

type Origin = 'british' | 'south_asian' | 'eastern_european' | 'african' | 'iberian_french';
type Sex = 'male' | 'female';

const FORENAMES: Record<Origin, Record<Sex, string[]>> = {
  british: {
    male: words(`Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Leo Alfie Henry Joshua Freddie
      Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Logan Lucas Dylan Theo Riley Mason Harrison Luke
      Tyler Lewis Callum Kyle Connor Liam Jordan Ryan Jamie Nathan Aaron Bradley Reece Declan Kieran Shane Dean Lee
      Craig Gary Paul Mark Darren Wayne Stuart Neil Ian Steven Andrew David Michael Christopher Matthew Anthony
      Richard Robert John Peter Kevin Simon Adam Ben Sam Tom Jake Josh Harvey Finley Rhys Kai Ashton Brandon Jayden
      Marcus Nathaniel Elliot Jenson Rory Alfie-James Tommy-Lee Billy-Joe Leo-James Noël`),
    female: words(`Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Evie Poppy Ella Emily Charlotte
      Daisy Phoebe Sienna Ruby Millie Jessica Lucy Holly Megan Chloe Lauren Hannah Bethany Amy Rebecca Emma Sarah
      Laura Gemma Kirsty Leanne Stacey Kelly Danielle Jade Courtney Shannon Paige Demi Tia Kayleigh Abbie Ellie Molly
      Libby Maisie Niamh Caitlin Keira Summer Harriet Eleanor Alice Florence Matilda Elizabeth Victoria Natalie
      Rachel Nicola Claire Joanne Donna Tracey Lisa Karen Michelle Julie Susan Zoë Chloé Renée Aimée Siân
      Mary-Jane Lily-Mae Ellie-May Amelie-Rose Rosie-Leigh`),
  },
  south_asian: {
    male: words(`Aarav Arjun Rohan Rahul Vikram Sanjay Raj Ravi Amit Deepak Harjit Gurpreet Jaspreet Mandeep Hardeep
      Nikhil Yash Dev Krish Mohammed Muhammad Ahmed Ali Hassan Hussain Imran Zain Yusuf Ayaan Ibrahim Omar Bilal
      Faisal Tariq Adil Asif Irfan Hamza Usman Jay Kishan Mitesh Nilesh Pritesh`),
    female: words(`Priya Anjali Pooja Neha Riya Simran Kiran Nisha Meera Sunita Anita Reena Jasmin Harpreet Manpreet
      Aisha Fatima Amira Zara Maryam Sana Ayesha Hina Noor Khadija Zainab Safa Alisha Leena Bhavna Hetal Komal`),
  },
  eastern_european: {
    male: words('Jakub Kacper Mateusz Piotr Tomasz Marek Andrei Bogdan Mihai Darius Lukas Filip Dominik Adrian'),
    female: words('Zuzanna Julia Natalia Agnieszka Ewa Katarzyna Ioana Elena Daria Marta Weronika Alexandra'),
  },
  african: {
    male: words('Abdi Abdullahi Mahad Liban Kwame Kofi Tunde Chinedu Samuel Emmanuel Abdirahman Mustafa Daniel'),
    female: words('Hodan Amina Faduma Sagal Nimo Chioma Adaeze Grace Blessing Ifeoma Ruqiya Hibaq Esther'),
  },
  iberian_french: {
    male: words('José Noël Joël Rémi Jérôme Ramón Andrés Raphaël Loïc François Tomás Adrián Hugo Mateo Luis Jean-Luc'),
    female: words('Zoë Chloé Renée Anaïs Léa Aimée Inès Zoé Noémie Hélène Mélanie Céline Lucía Sofía Marie-Hélène'),
  },
};

export const SURNAMES: Record<Origin, string[]> = {
  british: words(`Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
    Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris
    Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
    Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall
    Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen
    Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham
    Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks
    West Lawrence Cole Atkinson Bradley Spencer Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells
    Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn
    Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson
    Bird Gardner Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
    Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper
    Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle
    Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson Hammond
    Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake
    Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood Jennings Holt Kemp
    Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley Jarvis
    Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Simmons Morton Field
    Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs Storey Pugh O'Sullivan O'Reilly
    O'Donnell D'Arcy Brontë`),
  south_asian: words(`Patel Mistry Chauhan Parmar Solanki Mehta Shah Joshi Lad Vaghela Chavda Rana Desai Modi Gohil
    Makwana Singh Kaur Sandhu Gill Dhillon Sidhu Bains Khan Ahmed Ali Hussain Begum Akhtar Iqbal Mahmood Rahman Miah
    Chowdhury Uddin Islam Bibi Qureshi Malik Pandya Thakrar Ruparelia Lakhani D'Souza D'Costa`),
  eastern_european: words('Kowalski Nowak Mazur Krawczyk Kaczmarek Popescu Ionescu Balan Petrov Horvat Kovac Novak Lis Wojcik'),
  african: words('Mohamed Abdi Hassan Warsame Farah Osman Adeyemi Okafor Mensah Boateng Owusu Nwosu Ibrahim Yusuf Jama'),
  iberian_french: words(`García Fernández Rodríguez Sánchez Muñoz Peña Gonçalves Lefèvre Müller Gómez Hernández Pérez
    Martín Conceição Dupré Ibáñez Benoît Moreau Da Silva`),
};

const ORIGINS_CITY = Weighted.of<Origin>({ british: 52, south_asian: 33, eastern_european: 6, african: 5, iberian_french: 4 });
const ORIGINS_COUNTY = Weighted.of<Origin>({ british: 85, south_asian: 8, eastern_european: 3, african: 1, iberian_french: 3 });

export interface PersonName { forename: string; surname: string }

/** A person's name as registered (the canonical spelling; records carry variants of it). */
export function inventName(rng: Rng, sex: 'male' | 'female', city: boolean): PersonName {
  const origin = (city ? ORIGINS_CITY : ORIGINS_COUNTY).pick(rng);
  const forename = rng.pick(FORENAMES[origin][sex]);
  let surname = rng.pick(SURNAMES[origin]);
  // Double-barrelled surnames, mostly British.
  if (rng.chance(origin === 'british' ? 0.05 : 0.015)) {
    let second = rng.pick(SURNAMES[origin === 'iberian_french' ? 'iberian_french' : 'british']);
    if (second === surname) second = 'Smith';
    surname = `${surname.replace(/ /g, '-')}-${second}`;
  }
  return { forename, surname };
}

/** How a partner's system tends to spell names: probabilities of each kind of variant. */
export interface NameStyle {
  upperSurname: number; upperAll: number; lowerAll: number; stripAccents: number;
  hyphenAsSpace: number; dropApostrophe: number; curlyApostrophe: number; extraSpaces: number;
}

export const NAME_STYLES: Record<string, NameStyle> = {
  // Police systems upper-case surnames and often lose accents.
  police: { upperSurname: 0.55, upperAll: 0.15, lowerAll: 0.01, stripAccents: 0.6, hyphenAsSpace: 0.2, dropApostrophe: 0.3, curlyApostrophe: 0, extraSpaces: 0.03 },
  health: { upperSurname: 0.1, upperAll: 0.35, lowerAll: 0.02, stripAccents: 0.45, hyphenAsSpace: 0.35, dropApostrophe: 0.35, curlyApostrophe: 0.02, extraSpaces: 0.04 },
  council: { upperSurname: 0.05, upperAll: 0.05, lowerAll: 0.03, stripAccents: 0, hyphenAsSpace: 0.1, dropApostrophe: 0.1, curlyApostrophe: 0.05, extraSpaces: 0.05 },
  vrn: { upperSurname: 0, upperAll: 0.02, lowerAll: 0.08, stripAccents: 0.3, hyphenAsSpace: 0.2, dropApostrophe: 0.2, curlyApostrophe: 0.05, extraSpaces: 0.08 },
};

const stripAccents = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFC');

function variant(name: string, rng: Rng, style: NameStyle, upper: boolean, lower: boolean): string {
  let s = name;
  if (rng.chance(style.stripAccents)) s = stripAccents(s);
  if (rng.chance(style.dropApostrophe)) s = s.replace(/'/g, '');
  else if (rng.chance(style.curlyApostrophe)) s = s.replace(/'/g, '\u2019');
  if (rng.chance(style.hyphenAsSpace)) s = s.replace(/-/g, rng.chance(0.2) ? '  ' : ' ');
  if (upper) s = s.toUpperCase();
  else if (lower) s = s.toLowerCase();
  if (rng.chance(style.extraSpaces)) s = rng.chance(0.5) ? `${s} ` : ` ${s.replace(/ /g, '  ')}`;
  return s;
}

/** The name as one record spells it. */
export function renderName(name: PersonName, rng: Rng, style: NameStyle): PersonName {
  const upperAll = rng.chance(style.upperAll);
  const lowerAll = !upperAll && rng.chance(style.lowerAll);
  const upperSurname = upperAll || (!lowerAll && rng.chance(style.upperSurname));
  return {
    forename: variant(name.forename, rng, style, upperAll, lowerAll),
    surname: variant(name.surname, rng, style, upperSurname, lowerAll),
  };
}

/** Officers in charge: "Surname, Forename (DC 1234)" — a field that needs quoting in CSV. */
export function officerName(rng: Rng): string {
  const sex = rng.chance(0.6) ? 'male' : 'female';
  const { forename, surname } = inventName(rng, sex, rng.chance(0.3));
  const rank = rng.pick(['PC', 'PC', 'PC', 'DC', 'DC', 'PS', 'DS']);
  return `${stripAccents(surname)}, ${stripAccents(forename)} (${rank} ${rng.range(100, 4999)})`;
}
