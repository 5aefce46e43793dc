/**
 * The answer of `POST /nacos/v1/cairn/auth/import` (in a v2 result's `data`), which takes the rows of Nacos's
 * `users`, `roles` and `permissions` tables as JSON: what was imported, and each row skipped with the reason.
 */
export interface NacosAuthImportResult {
  users: { imported: string[]; skipped: { username: string; reason: string }[] };
  roles: { assigned: number; skipped: { role: string; username: string; reason: string }[] };
  permissions: { added: number; present: number; skipped: { role: string; resource: string; action: string; reason: string }[] };
  /** Imported admins whose password is still the `nacos` that Nacos's schema seeded. */
  seedPassword: string[];
}
