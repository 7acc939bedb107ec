import { z } from 'zod';

export const email = z.email({ error: 'must be a valid email address' }).max(254);
export const password = z.string().min(10, { error: 'must be at least 10 characters' }).max(256, { error: 'must be at most 256 characters' });
export const personName = z.string().trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' });

export const userOut = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  isInstanceAdmin: z.boolean(),
  createdAt: z.string(),
});

export const roleEnum = z.enum(['owner', 'admin', 'member']);
/** A workspace as its members see it, with the sending settings every campaign uses. */
export const workspaceOut = z.object({
  id: z.uuid(), name: z.string(), role: roleEnum, createdAt: z.string(),
  postalAddress: z.string().nullable(), trackingDomain: z.string().nullable(),
});
