import type { DataSource } from 'typeorm';
import { hashPassword } from '@kizuki/crypto';
import { AdminRepository, TenantRepository, type AdminRole } from '@kizuki/database';

const ROLES: AdminRole[] = ['admin', 'analyst', 'viewer'];

export async function createAdmin(
  db: DataSource,
  tenantId: string,
  email: string,
  role: string,
  password: string,
): Promise<{ id: string }> {
  if (!ROLES.includes(role as AdminRole)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('--email is not an e-mail address');
  if (password.length < 12) throw new Error('the password (on stdin) must have at least 12 characters');
  if (!/^[0-9a-f-]{36}$/i.test(tenantId) || !(await new TenantRepository(db).findById(tenantId)))
    throw new Error(`tenant ${tenantId} does not exist`);
  return new AdminRepository(db).create(tenantId, {
    email,
    role: role as AdminRole,
    passwordHash: await hashPassword(password),
  });
}
