// Drivers differ in what they hand back: SQLite and MySQL give 0/1 for booleans, PostgreSQL gives BIGINT as a
// string. These readers accept every form so the stores above them stay dialect-free.
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
export const num = (v: unknown): number => Number(v);
export const str = (v: unknown): string => String(v);
export const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;
export const present = (v: unknown): boolean => v !== null && v !== undefined;
