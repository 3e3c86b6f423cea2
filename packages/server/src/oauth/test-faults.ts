import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../domain/services.js';
import { InvalidGrant, TemporarilyUnavailable } from './errors.js';

/**
 * Test controls (ARCHITECTURE.md decision 18): the failure an app developer asked for, in place of
 * this token request's answer. With the controls off this is one property read.
 */
export async function applyTestFault(services: Services, appId: string): Promise<void> {
  if (!services.testControls.enabled) return;
  const fault = await services.testControls.takeTokenFault(appId);
  if (fault === undefined) return;
  if (fault.kind === 'invalid_grant')
    throw new InvalidGrant('The grant is invalid, expired or revoked.', 'test control: forced invalid_grant');
  if (fault.kind === 'temporarily_unavailable')
    throw new TemporarilyUnavailable(
      'The service is temporarily unavailable. Try again shortly.',
      fault.retryAfterSeconds,
    );
  await sleep(fault.delayMs);
}
