import { describe, expect, it } from 'vitest';
import type { ProfileResult } from '../../analytics/products/locality-profile.ts';
import { profileHtml } from '../../analytics/render/reports.ts';
import { barChart } from '../../analytics/render/svg.ts';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import { llrDeployment } from '../deployments.ts';

const breakdown = (keys: string[], count: number | null = 5) => keys.map((key) => ({ key, count, suppressed: count === null }));
const profile: ProfileResult = {
  locality: 'charnwood', name: 'Charnwood <script>', period: '2024-25', audience: 'csp', rounded: false, population: 183_900,
  serious_violence: { count: 40, suppressed: false, rate_per_1000: 0.22, area_rate_per_1000: 0.3, previous_count: null, change_pct: null },
  monthly: Array.from({ length: 12 }, (_, i) => ({ month: `2024-${String(i + 1).padStart(2, '0')}`, count: i === 3 ? null : 3 + i, suppressed: i === 3 })),
  knife_serious_violence: { count: null, suppressed: true, previous_count: null, change_pct: null },
  by_offence_group: [{ group: 'robbery_personal', count: null, suppressed: true }, { group: 'assault_with_injury', count: 31, suppressed: false }],
  domestic: breakdown(['true', 'false']), by_location_type: breakdown(['public_place']), victim_age_band: breakdown(['10-17'], null), victim_sex: breakdown(['male']),
  hour_by_weekday: { weekdays: ['Mon'], hours: [0, 1], cells: [[{ count: 6, suppressed: false }, { count: null, suppressed: true }]] },
  hotspots: [{ sector: 'LE11 3', count: 12, share_pct: 30 }],
  by_lsoa: [{ key: 'E01025670', count: 9, suppressed: false }, { key: 'E01025671', count: null, suppressed: true }, { key: 'E01025672', count: 0, suppressed: false }],
  asb: { count: 50, suppressed: false, rate_per_1000: 0.27, by_pen_category: breakdown(['personal']) },
  ae_attendances: { count: null, suppressed: true, by_means_of_assault: breakdown(['knife_or_sharp'], null), by_location_type: breakdown(['dwelling'], null) },
  school_exclusions: { count: 9, suppressed: false, by_category: breakdown(['suspension']) },
};

describe('HTML reports', () => {
  const html = profileHtml(profile, llrDeployment);

  it("carries the deployment's names, never another VRU's", () => {
    expect(html).toContain('Leicester, Leicestershire and Rutland Violence Reduction Network.');
    expect(html).toContain('LLR per 1,000 residents');
    const cleveland = profileHtml(profile, loadDeployment('cleveland'));
    expect(cleveland).toContain('Cleveland Unit for the Reduction of Violence.');
    expect(cleveland).toContain('Cleveland per 1,000 residents');
    expect(cleveland).not.toMatch(/Leicester|LLR/);
  });

  it('is one self-contained page with its charts as inline SVG', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/(src|href)=/i);
    expect(html).toContain('@media print');
  });

  it('escapes text and shows suppressed figures as suppressed, never as numbers', () => {
    expect(html).toContain('Charnwood &lt;script&gt;');
    expect(html).toContain('<title>robbery personal: suppressed</title>');
    expect(html).not.toMatch(/robbery personal: \d/);
    expect(html).toMatch(/Knife-enabled serious violence<\/th><td class="n">suppressed</);
    expect(html).toContain('<title>Mon 01:00: suppressed</title>'); // the suppressed heatmap cell
    expect(html).toContain('<title>Apr 2024: suppressed</title>'); // the suppressed month
  });

  it("maps the locality's LSOAs with the bundle's attribution, suppressed as the profile has them", () => {
    expect(html).toContain('Serious violence by LSOA, Charnwood &lt;script&gt;, 2024-25');
    expect(html).toMatch(/<title>Charnwood [0-9A-Z]+ \(E01025670\): 9<\/title>/);
    expect(html).toMatch(/<title>Charnwood [0-9A-Z]+ \(E01025671\): suppressed<\/title>/);
    expect(html).toMatch(/<title>Charnwood [0-9A-Z]+ \(E01025672\): 0<\/title>/);
    expect(html).toContain(`<p class="attribution">${llrDeployment.boundaries.attribution.replace(/&/g, '&amp;')}</p>`);
  });

  it('draws bars in proportion and labels them with their values', () => {
    const svg = barChart('t', [{ label: 'a', value: 10 }, { label: 'b', value: 5 }, { label: 'c', value: null }]);
    const widths = [...svg.matchAll(/<rect x="4" y="[\d.]+" width="([\d.]+)" height="14" fill="#1f5f8b"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo(widths[1] * 2, 0);
    expect(svg).toContain('>suppressed<');
  });
});
