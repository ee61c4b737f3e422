/**
 * Swedish personal identity numbers (personnummer) and coordination numbers
 * (samordningsnummer, day + 60) in free text. Driftpuls must hold no patient data, so any
 * text that contains one is refused before it is stored or logged (issue: trust).
 *
 * Recognised forms: YYMMDD-NNNN, YYMMDD+NNNN (100 years or older), YYMMDDNNNN,
 * YYYYMMDD-NNNN, YYYYMMDDNNNN, with a space also accepted as separator. A candidate counts only
 * with a real calendar date and a valid Luhn check digit, so phone numbers, SD+ case numbers
 * and times rarely trip it.
 */
const CANDIDATE = /(?<![\d])(?:(\d{2}))?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{3})(\d)(?![\d])/g;

function luhnOk(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

function validDate(yy: number, century: number | undefined, month: number, day: number): boolean {
  if (month < 1 || month > 12) return false;
  const d = day > 60 ? day - 60 : day; // samordningsnummer
  if (d < 1) return false;
  // Without a century any leap day is possible (2000 or 1900 both exist as candidates).
  const year = century !== undefined ? century * 100 + yy : yy === 0 ? 2000 : 2000 + yy;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** True when `text` contains something that is a valid personnummer or samordningsnummer. */
export function containsPersonalIdentityNumber(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) {
    const [, cc, yy, mm, dd, serial, check] = m;
    const century = cc === undefined ? undefined : Number(cc);
    if (century !== undefined && century !== 18 && century !== 19 && century !== 20) continue;
    if (!validDate(Number(yy), century, Number(mm), Number(dd))) continue;
    if (luhnOk(`${yy}${mm}${dd}${serial}${check}`)) return true;
  }
  return false;
}

/**
 * Paths of every string in a parsed body that carries an identity number, e.g.
 * `problems.0.situation.facts`. The values themselves are never returned. Iterative, so a
 * hostile, deeply nested body cannot exhaust the stack.
 */
export function findPersonalIdentityNumbers(value: unknown): string[] {
  const found: string[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (containsPersonalIdentityNumber(v)) found.push(path || 'body');
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: path ? `${path}.${k}` : k });
    }
  }
  return found.reverse();
}
