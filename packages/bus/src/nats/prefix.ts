/** Maps bus subjects to wire subjects and back when a `subjectPrefix` is configured. */

export interface SubjectMapper {
  /** `koinos.block.accept` → `<prefix>.koinos.block.accept`. Works for patterns too. */
  toWire(subject: string): string;
  /** The inverse of `toWire` for delivered subjects. */
  fromWire(subject: string): string;
}

export function subjectMapper(prefix: string): SubjectMapper {
  if (prefix === "") return { toWire: (s) => s, fromWire: (s) => s };
  const head = `${prefix}.`;
  return {
    toWire: (s) => head + s,
    fromWire: (s) => (s.startsWith(head) ? s.slice(head.length) : s),
  };
}
