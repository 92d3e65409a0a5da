/**
 * Finding contacts by name as a phone's directory search does: the letters
 * typed so far match the start of the name or of any word in it, without
 * regard to case or accents ("jo" finds "José Smith" and "Anna Johnson").
 */

/** Lower case, compatibility-decomposed (Unicode NFKD) with the combining marks dropped: "Émile" → "emile". */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function nameMatchesPrefix(name: string, prefix: string): boolean {
  const p = foldName(prefix.trim());
  if (p === '') return true;
  const n = foldName(name);
  return n.startsWith(p) || n.split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(p));
}

/** Directory order: alphabetical by the root collation, case and accents second, digits by value ("Room 9" before "Room 10"). */
export const compareNames = new Intl.Collator('und', { numeric: true }).compare;
