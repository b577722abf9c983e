/** Financial years are written 2024-25: 1 April 2024 to 31 March 2025. */
export interface FinancialYear { label: string; from: string; to: string; startYear: number }

export function financialYear(label: string): FinancialYear {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) throw new RangeError(`"${label}" is not a financial year like 2024-25`);
  const start = Number(m[1]);
  return { label, from: `${start}-04-01`, to: `${start + 1}-03-31`, startYear: start };
}

export const yearStarting = (startYear: number) => financialYear(`${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`);

/** The twelve months of a financial year, 'YYYY-MM'. */
export const monthsOf = (year: FinancialYear): string[] =>
  Array.from({ length: 12 }, (_, i) => {
    const month = ((3 + i) % 12) + 1;
    return `${year.startYear + (i >= 9 ? 1 : 0)}-${String(month).padStart(2, '0')}`;
  });
