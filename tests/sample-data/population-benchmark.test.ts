import { describe, expect, it } from 'vitest';
import { populationBenchmark, relation, type PopulationPerson } from '../../sample-data/generator/population-benchmark.ts';

/** The population benchmark's generator: the frequencies, families, agencies and noise it promises. */
const groupBy = <T>(items: readonly T[], key: (x: T) => string | number) => {
  const groups = new Map<string | number, T[]>();
  for (const x of items) (groups.get(key(x)) ?? groups.set(key(x), []).get(key(x))!).push(x);
  return groups;
};

describe('the population benchmark', () => {
  const { people, records } = populationBenchmark({ seed: 3, people: 20_000 });
  const share = <T>(items: readonly T[], key: (x: T) => string) => {
    const counts = new Map<string, number>();
    for (const x of items) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / items.length] as const);
  };

  it('is seeded and deterministic', () => {
    const again = populationBenchmark({ seed: 3, people: 2_000 });
    expect(again).toEqual(populationBenchmark({ seed: 3, people: 2_000 }));
    expect(populationBenchmark({ seed: 4, people: 2_000 }).records).not.toEqual(again.records);
    expect(people).toHaveLength(20_000);
  });

  it('has Leicester-like names: Patel about 5% of surnames, Muhammad and Mohammed the city boys\' commonest, a few hundred forenames', () => {
    const surnames = share(people, (p) => p.name.surname);
    expect(surnames[0][0]).toBe('Patel');
    expect(surnames[0][1]).toBeGreaterThan(0.04);
    expect(surnames[0][1]).toBeLessThan(0.06);
    expect(surnames.length).toBeGreaterThan(1_000);
    const cityBoys = share(people.filter((p) => p.city && p.sex === 'male'), (p) => p.name.forename);
    expect(cityBoys.slice(0, 2).map(([n]) => n)).toEqual(['Muhammad', 'Mohammed']);
    expect(share(people.filter((p) => p.sex === 'male'), (p) => p.name.forename)[0][0]).toBe('Muhammad');
    for (const sex of ['male', 'female']) expect(share(people.filter((p) => p.sex === sex), (p) => p.name.forename).length).toBeGreaterThan(250);
    for (const name of ['Kowalski', 'Okafor', 'Smith', 'Khan', 'Mohamed']) expect(surnames.some(([n]) => n === name)).toBe(true);
  });

  it('has twins at about one birth in 65, siblings and namesakes', () => {
    const births = share(people, (p) => String(p.birth));
    const twinBirths = births.filter(([, s]) => s * people.length === 2).length;
    expect(births.length / twinBirths).toBeGreaterThan(50);
    expect(births.length / twinBirths).toBeLessThan(85);
    const byFamily = groupBy(people, (p) => p.family);
    const kinds = new Map<string, number>();
    for (const members of byFamily.values()) {
      for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
        const [a, b] = [members[i], members[j]];
        kinds.set(relation(a, b), (kinds.get(relation(a, b)) ?? 0) + 1);
        expect(a.name.surname).toBe(b.name.surname);
        expect(a.homes[0]).toBe(b.homes[0]);
        expect(a.name.forename).not.toBe(b.name.forename);
        if (relation(a, b) === 'twin') expect(a.dob).toBe(b.dob); else expect(a.dob).not.toBe(b.dob);
      }
    }
    expect(kinds.get('twin')).toBeGreaterThan(200);
    expect(kinds.get('sibling')).toBeGreaterThan(5_000);
    const namesakes = [...groupBy(people, (p) => `${p.name.forename} ${p.name.surname}`).values()].filter((g) => g.length > 1);
    expect(namesakes.length).toBeGreaterThan(500);
    const [a, b] = namesakes[0] as PopulationPerson[];
    expect(['namesake', 'twin', 'sibling']).toContain(relation(a, b));
  });

  it('knows most people once, some to two or three agencies; only health and schools carry NHS numbers and UPNs', () => {
    const agencies = groupBy(records, (r) => r.person);
    const known = [...agencies.values()].map((rs) => new Set(rs.map((r) => r.agency)).size);
    expect(agencies.size).toBe(people.length);
    expect(known.filter((k) => k === 1).length / known.length).toBeGreaterThan(0.7);
    expect(known.filter((k) => k === 3).length).toBeGreaterThan(500);
    expect(records.length / people.length).toBeGreaterThan(1.3);
    expect(records.length / people.length).toBeLessThan(1.8);
    expect(new Set(records.map((r) => r.agency))).toEqual(new Set(['police', 'police_asb', 'council_asb', 'health', 'school']));
    expect(records.filter((r) => (r.nhs && r.agency !== 'health') || (r.upn && r.agency !== 'school'))).toEqual([]);
    expect(records.filter((r) => r.agency === 'health' && r.nhs).length).toBeGreaterThan(0);
    expect(new Set(records.filter((r) => r.agency === 'council_asb').map((r) => r.partner))).toEqual(new Set(['leicester-city-council', 'leicestershire-county-council', 'rutland-county-council']));
  });

  it('writes records with the child benchmark\'s noise and moves', () => {
    const byPerson = groupBy(records, (r) => r.person);
    const person = new Map(people.map((p) => [p.id, p]));
    const differ = (f: (r: (typeof records)[number]) => string | null) => [...byPerson.values()].filter((rs) => new Set(rs.map(f)).size > 1).length;
    expect(differ((r) => r.postcode)).toBeGreaterThan(300);
    expect(differ((r) => r.dob)).toBeGreaterThan(100);
    expect(differ((r) => r.forename?.toUpperCase() ?? null)).toBeGreaterThan(300);
    expect(records.filter((r) => r.forename === person.get(r.person)!.name.surname).length).toBeGreaterThan(100);
    expect(people.filter((p) => p.homes.length > 1).length / people.length).toBeGreaterThan(0.15);
  });
});
