/** Request and response schemas of the account routes (also the OpenAPI document). */
import { z } from 'zod';
import { registry } from '../http/route';

export const ChangePasswordBody = registry.register(
  'ChangePasswordBody',
  z
    .object({
      oldPassword: z.string().min(1).max(200),
      newPassword: z.string().min(1).max(200).openapi({ description: 'at least 8 characters, not guessable (else 422 WEAK_PASSWORD)' }),
    })
    .strict(),
);
