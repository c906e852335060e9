/**
 * Unix seconds of the UTC date and time captured in groups 1 to 6 (year, month, day, hour, minute,
 * second) of `match`, or undefined when that is not a real calendar date and time.
 */
export function utcSeconds(match: RegExpExecArray): number | undefined {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(millis);
  // Date.UTC rolls 2025-02-30 over into March: refuse dates that are not in the calendar.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return millis / 1000;
}
