import { SURNAMES } from './names.ts';

/**
 * Name frequencies for the population benchmark, as plain data: who lives in Leicester and in the county by the
 * origin of their names, and for each origin its forenames and surnames in order of frequency (drawn Zipf–Mandelbrot:
 * the k-th name in proportion to 1 / (k + q)^s), plus, where real surnames are many and each rare, a tail of
 * surnames made of stems and endings. Common names or invented ones: no real individual.
 */

const words = (s: string): string[] => s.trim().split(/\s+/);

export type Origin = 'british' | 'gujarati' | 'punjabi' | 'muslim' | 'somali' | 'west_african' | 'polish' | 'european';

/** Shares of people by the origin of their names (roughly the 2021 census's Leicester and county). */
export const ORIGIN_MIX: Record<'city' | 'county', Record<Origin, number>> = {
  city: { british: 36, gujarati: 19, punjabi: 5, muslim: 18, somali: 5, west_african: 5, polish: 7, european: 5 },
  county: { british: 84, gujarati: 5, punjabi: 2, muslim: 1.5, somali: 0.5, west_african: 1, polish: 3.5, european: 2.5 },
};

/** The share of the benchmark's people who live in the city (violence and ASB weigh towards it). */
export const CITY_SHARE = 0.5;

export interface Zipf { q: number; s: number }

export interface NameTable {
  male: string[];
  female: string[];
  forenames: Zipf;
  surnames: string[];
  surnameZipf: Zipf;
  /** The share of people whose surname comes from the tail (a stem and an ending) rather than the list. */
  tail?: { share: number; stems: string[]; endings: string[] };
}

export const NAMES: Record<Origin, NameTable> = {
  british: {
    male: words(`David John Michael Paul Andrew Mark James Richard Robert Christopher Daniel Thomas Matthew Steven
      Peter Stephen Simon Ian Gary Jack Oliver Harry George William Joshua Samuel Jacob Charlie Lewis Ryan Liam Adam
      Alexander Benjamin Luke Jamie Callum Kieran Nathan Connor Jordan Joseph Edward Craig Lee Darren Wayne Neil Stuart
      Kevin Anthony Philip Martin Alan Brian Graham Keith Colin Barry Trevor Terry Dean Scott Shaun Carl Jason Ashley
      Ben Sam Tom Jake Josh Alfie Archie Freddie Harvey Henry Isaac Leo Logan Lucas Max Mason Noah Oscar Riley Theo
      Tyler Ethan Dylan Finley Harrison Jenson Kai Reece Rhys Bradley Brandon Declan Elliot Marcus Nathaniel Rory
      Aaron Ross Owen Toby Zachary Frederick Alfred Arthur Albert Ernest Frank Harold Kenneth Leonard Ronald Roy
      Derek Dennis Malcolm Norman Raymond Roger Geoffrey Gordon Nigel Clive Russell Glenn Jonathan Timothy Nicholas
      Patrick Sean Shane Dominic Gavin Jay Kyle Mitchell Curtis Jayden Ellis Louie Reggie Ronnie Teddy Tommy Billy
      Bobby Danny Jimmy Kian Ollie Aiden Caleb Cameron Harley Jude Ralph Stanley Tobias Hugo Sebastian Felix Rowan`),
    female: words(`Sarah Emma Claire Nicola Lisa Laura Rachel Helen Karen Julie Susan Amy Rebecca Jessica Hannah
      Charlotte Sophie Emily Lauren Chloe Olivia Amelia Isla Ava Mia Lily Grace Ella Evie Poppy Freya Ruby Daisy
      Millie Megan Holly Lucy Bethany Jade Gemma Kirsty Leanne Stacey Kelly Danielle Natalie Michelle Joanne Donna
      Tracey Samantha Victoria Elizabeth Louise Jennifer Katherine Catherine Deborah Angela Jacqueline Wendy Janet
      Margaret Patricia Linda Carol Christine Pauline Sandra Denise Gillian Alison Caroline Kathryn Joanna Zoe Kayleigh
      Shannon Courtney Paige Demi Abbie Ellie Molly Libby Maisie Niamh Caitlin Keira Summer Harriet Eleanor Alice
      Florence Matilda Phoebe Sienna Rosie Isabella Sophia Scarlett Willow Ivy Esme Erin Imogen Jasmine Leah Maya
      Georgia Katie Abigail Amber Jodie Kerry Hayley Charlene Carly Sharon Tina Dawn Maria Anne Jane Ruth Joan Dorothy
      Irene Doris Barbara Brenda Shirley Valerie Sheila Elaine Heather Beverley Lorraine Melanie Nina Rose Evelyn`),
    forenames: { q: 20, s: 1 },
    // The sample extracts' British surnames, in about the order of their frequency in England.
    surnames: SURNAMES.british,
    surnameZipf: { q: 8, s: 1 },
    tail: {
      share: 0.45,
      stems: words(`Ash Brad Black Whit Hart Ather Bright Brom Chat Cran Dun Elling Fair Gar Hather Kings Lang Mars Nor
        Ox Pen Ram Rush Shel Stan Thorn Wad Wes Wick Al Bur Cal Dal Ed Far Gold Hal Hol Kirk Lid Mid Nut Pad Red Rid Sal
        Stap Sud Tad Thur Up Wal War Wig Wil Win Bar Bel Birk Bram Brook Cot Crom Dar Dray Ew Fen Gil Had Ket Lan Mel`),
      endings: words('ley ton well worth shaw field ford by ham wood croft dale more cott bridge stock hurst wick thorpe lock'),
    },
  },
  gujarati: {
    male: words(`Nilesh Mitesh Pritesh Hitesh Rakesh Sanjay Ramesh Suresh Dinesh Mahesh Jayesh Ketan Vipul Amit
      Rajesh Kiran Bharat Dilip Pankaj Manoj Ashok Vijay Deepak Ravi Raj Jay Krish Dev Yash Aarav Arjun Rohan Rahul
      Kishan Neel Kunal Sunil Anil Harish Jignesh Bhavesh Chetan Hemant Paresh Tushar Viral Parth Dhruv Vivaan Reyansh`),
    female: words(`Priya Pooja Anjali Neha Riya Nisha Meera Sunita Anita Reena Bhavna Hetal Komal Jyoti Kajal Nita
      Hina Heena Daksha Bhavisha Krupa Mital Nikita Shital Sonal Trupti Varsha Dipti Jasmin Kavita Manisha Rekha
      Seema Asha Geeta Usha Rupa Smita Ami Disha Isha Diya Anaya Aanya Kavya Saanvi Tara Mira Leena Ekta`),
    forenames: { q: 4, s: 1 },
    surnames: words(`Patel Mistry Parmar Chauhan Lad Solanki Mehta Shah Joshi Vaghela Chavda Rana Desai Modi Gohil
      Makwana Pandya Thakrar Ruparelia Lakhani Kotecha Popat Pattni Raval Tailor Bhatt Vyas Trivedi Dave Kara Karia
      Lodhia Majithia Morjaria Sodha Thakkar Unadkat Vekaria Varsani Hirani Pindoria Halai Kerai Bhudia Gorasia Dabhi
      Jadeja Jethwa Mandalia Nathwani`),
    surnameZipf: { q: 0.3, s: 1.55 },
  },
  punjabi: {
    male: words(`Harjit Gurpreet Jaspreet Mandeep Hardeep Sukhwinder Kulwinder Baljit Jasbir Parminder Harpal Ranjit
      Amrit Gurdeep Jaswinder Satnam Tejinder Navdeep Arjun Harvinder Karan Manpreet Rajvir Simran Jasdeep Inderjit
      Gurjit Kuldip Paramjit Sarbjit`),
    female: words(`Harpreet Manpreet Jaspreet Simran Gurpreet Navneet Rajvinder Sukhjit Kulwant Amandeep Baljinder
      Harjinder Parminder Ravinder Jasvir Kiran Ranjit Satwant Tejinder Gurdeep Jasleen Harleen Navleen Simrat Manjit
      Kamaljit Inderpal Balvinder Surinder Jaswinder`),
    forenames: { q: 3, s: 1 },
    surnames: words(`Singh Kaur Sandhu Gill Dhillon Sidhu Bains Johal Sahota Atwal Basra Bhogal Dhaliwal Grewal Hayer
      Kang Mann Randhawa Sangha Sohal Virdi Bassi Chahal Heer Kalsi Lall Nijjar Rai Sehmi Thind`),
    surnameZipf: { q: 0.6, s: 1.3 },
  },
  muslim: {
    male: words(`Muhammad Mohammed Ibrahim Yusuf Omar Ali Hamza Ayaan Ahmed Zakariya Bilal Hassan Hussain Imran Zain
      Adam Isa Musa Yahya Idris Ismail Usman Abdullah Ayub Faisal Tariq Adil Asif Irfan Junaid Kashif Nadeem Naveed
      Rizwan Sajid Shahid Tahir Waqas Zubair Amir Arif Aslam Farooq Haroon Iqbal Javed Khalid Mahmood Nasir Rashid
      Salman Saqib Shoaib Suleman Umar Yasir Zeeshan Raza Ilyas Mustafa`),
    female: words(`Maryam Fatima Aisha Zainab Hafsa Khadija Aaliyah Amina Safa Sana Ayesha Noor Zara Hana Yasmin Sumaya
      Rukhsana Nazia Shabana Farzana Samina Nasreen Shazia Tasneem Rubina Saima Uzma Aneesa Asma Bushra Fozia Hajra
      Iqra Jannat Kulsum Madiha Nabila Parveen Qurat Rabia Sadia Tahira Yusra Zahra Alisha Anisa Halima Laila Mariam
      Sofia Inaya Eshal Ayat Hawa Ruqayyah`),
    forenames: { q: 0.5, s: 1.05 },
    surnames: words(`Khan Hussain Ahmed Ali Begum Patel Akhtar Iqbal Mahmood Rahman Miah Chowdhury Uddin Islam Bibi
      Qureshi Malik Shaikh Mulla Bhayat Valli Lorgat Motala Karim Siddiqui Ansari Butt Mirza Raja Sheikh Aziz Bashir
      Hanif Latif Majid Rashid Rehman Saleem Yousaf Zaman Anwar Aslam Hafiz Javed Kauser Nawaz Parveen Riaz Sadiq`),
    surnameZipf: { q: 1.5, s: 1.1 },
  },
  somali: {
    male: words(`Mohamed Abdi Abdullahi Ahmed Ali Hassan Yusuf Mustafa Abdirahman Mahad Liban Omar Ibrahim Abdulkadir
      Hussein Ismail Said Farah Osman Khalid Mukhtar Bashir Guled Hamza Ayub`),
    female: words(`Hodan Amina Faduma Sagal Nimo Ruqiya Hibaq Halima Asha Ayan Deeqa Fartun Hawa Ifrah Khadra Maryan
      Naima Sahra Sumaya Ubah Yasmin Zamzam Farhiya Hamdi Ikran`),
    forenames: { q: 1, s: 1 },
    surnames: words(`Mohamed Abdi Hassan Ali Ahmed Warsame Farah Osman Ibrahim Yusuf Jama Omar Hussein Aden Ismail
      Nur Egal Duale Gure Hersi Mohamud Samatar Shire Elmi Dirie Abdullahi Barre Isse Yasin`),
    surnameZipf: { q: 1, s: 1 },
  },
  west_african: {
    male: words(`Emmanuel Samuel Daniel Kwame Kofi Kwabena Kwaku Yaw Kojo Tunde Chinedu Chukwuemeka Obinna Oluwaseun
      Ayodele Femi Segun Babajide Ikenna Nnamdi Ebuka Chidi Uche Gideon Prince Godfrey Michael Joseph David Isaac`),
    female: words(`Grace Blessing Esther Chioma Adaeze Ifeoma Ngozi Nneka Amara Abena Akosua Ama Efua Adwoa Yaa
      Funmilayo Folake Titilayo Temitope Oluwakemi Precious Favour Comfort Mercy Joy Patience Gifty Priscilla Ruth Deborah`),
    forenames: { q: 3, s: 1 },
    surnames: words(`Okafor Adeyemi Mensah Osei Boateng Owusu Nwosu Okonkwo Adebayo Asante Agyeman Appiah Amponsah
      Ansah Darko Eze Nwachukwu Obi Ogunleye Okeke Oladipo Olawale Onyekachi Opoku Oyelaran Quaye Sarpong Tetteh
      Yeboah Achebe Afolabi Akinola Babatunde Chukwu Danso Egwu Fashola Iwu Kamara Koroma`),
    surnameZipf: { q: 4, s: 1 },
    tail: {
      share: 0.3,
      stems: words('Ade Ola Olu Oke Ogun Ako Nwa Chi Ama Osa Kwa Ofo Ibe Ezi Obo Aki Ayo Bola Femi Tolu'),
      endings: words('yemi bayo wale kunle ola nde gbola chukwu eze for mide'),
    },
  },
  polish: {
    male: words(`Jakub Kacper Mateusz Piotr Tomasz Marek Michał Krzysztof Paweł Łukasz Adam Bartosz Dawid Damian
      Kamil Marcin Maciej Grzegorz Wojciech Rafał Szymon Filip Dominik Jan Antoni Oliwer Wiktor Igor Patryk Sebastian
      Andrzej Robert Artur Daniel Konrad Przemysław Adrian Hubert Stanisław Jarosław`),
    female: words(`Zuzanna Julia Natalia Agnieszka Ewa Katarzyna Anna Maria Magdalena Joanna Aleksandra Monika Karolina
      Justyna Marta Weronika Wiktoria Oliwia Maja Zofia Hanna Lena Alicja Amelia Paulina Dominika Sylwia Beata Izabela
      Patrycja Kinga Gabriela Emilia Marzena Dorota Iwona Małgorzata Renata Barbara Elżbieta`),
    forenames: { q: 5, s: 1 },
    surnames: words(`Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak
      Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski Michalski
      Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski`),
    surnameZipf: { q: 6, s: 1 },
    tail: {
      share: 0.5,
      stems: words(`Bor Chmiel Drozd Gorz Jaw Kacz Kras Lis Mał Nie Oles Pias Rud Sob Stach Szcz Tom Wal Wrob Zaw Bart Cich
        Frac Głow Hor Kurp Lip Mich Pop Sik`),
      endings: words('owski ewski ski czyk ak ek ewicz iak ński ka'),
    },
  },
  european: {
    male: words(`Andrei Bogdan Mihai Ionut Alexandru Florin Lukas Darius Tomas Jonas Mantas Pedro João Tiago Luis
      José Marco Luca Giorgos Nikos Stefan Dimitar Ivan Georgi Paolo`),
    female: words(`Ioana Elena Andreea Maria Alexandra Daria Gabriela Ieva Ruta Egle Ana Inês Beatriz Sofia Giulia
      Chiara Eleni Katerina Mariya Irina Desislava Lucía Carmen Marta Simona`),
    forenames: { q: 3, s: 1 },
    surnames: words(`Popescu Ionescu Balan Popa Stan Dumitru Kazlauskas Jankauskas Petrauskas Silva Santos Ferreira
      Pereira Costa Oliveira Rossi Russo Papadopoulos Georgiou Petrov Ivanov Dimitrov Horvat Kovac Novak`),
    surnameZipf: { q: 3, s: 1 },
    tail: {
      share: 0.4,
      stems: words('Radu Mari Cost Petr Vasil Nico Stef Pavl Andr Gheor Mark Dobr Jurk Balt Ramo'),
      endings: words('escu eanu auskas aitis ov ova ic opoulos akis iu'),
    },
  },
};
