/** The users context's domain failures and their stable reasons. */
import { Code } from '@connectrpc/connect';
import { domainFailure } from '@paymesh/platform/errors/domain-error';

const domain = 'users';

export const emailTaken = () =>
  domainFailure(
    Code.AlreadyExists,
    { reason: 'EMAIL_TAKEN', domain },
    'a user with this e-mail address already exists',
  );

/** One answer for an unknown e-mail and a wrong password, so neither is revealed. */
export const invalidCredentials = () =>
  domainFailure(Code.Unauthenticated, { reason: 'INVALID_CREDENTIALS', domain }, 'wrong e-mail or password');

export const userNotFound = (userId: string) =>
  domainFailure(
    Code.NotFound,
    { reason: 'USER_NOT_FOUND', domain, metadata: { user_id: userId } },
    'no such user',
  );
