/**
 * Which entries of a list show when it has more than the rows for it.
 *
 * Page by page: the rows show the page the cursor is on, so moving within a
 * page leaves every row still and only the marker moves, and the window
 * needs no memory of where it was (a view stays plain data). The last page
 * is filled from the end, so no rows stand empty while entries are hidden.
 *
 * Returns the index of the first entry shown.
 */
export function listWindowTop(length: number, cursor: number, visible: number): number {
  if (visible <= 0 || length <= visible) return 0;
  const page = Math.floor(Math.max(0, Math.min(cursor, length - 1)) / visible);
  return Math.min(page * visible, length - visible);
}
