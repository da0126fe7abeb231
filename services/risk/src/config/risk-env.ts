/** Risk's own variables: the policy its rules apply, validated at start like every other variable. */
import { env } from '@paymesh/platform/config/config';
import { z } from 'zod';
import { type AmountLimits, ANY_CURRENCY } from '../domain/amount-limits.js';
import type { RiskPolicy } from '../domain/rules.js';

const MINOR_UNITS = 'must be a whole number of minor units (a string of digits or a safe integer)';

/** A limit in minor units: a string of digits or a JSON integer. */
const minorUnits = z.union([z.string(), z.number()], { error: MINOR_UNITS }).transform((value, ctx) => {
  const digits = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value;
  if (/^\d+$/.test(digits)) return BigInt(digits);
  ctx.addIssue({ code: 'custom', message: MINOR_UNITS });
  return z.NEVER;
});

const limitsObject = z
  .record(z.string().regex(/^([A-Z]{3}|\*)$/), minorUnits, {
    error: (issue) =>
      issue.code === 'invalid_key'
        ? `is not an ISO-4217 code or "${ANY_CURRENCY}"`
        : `must be a JSON object of currency → limit in minor units`,
  })
  .refine(
    (limits) => ANY_CURRENCY in limits,
    `must give the limit of other currencies under "${ANY_CURRENCY}"`,
  );

/** RISK_AMOUNT_LIMITS: a JSON object, currency → limit in minor units, `*` for other currencies. */
const amountLimitsVariable = z
  .string()
  .default(JSON.stringify({ [ANY_CURRENCY]: '100000000' }))
  .transform((text, ctx): AmountLimits => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'is not JSON: must be a JSON object of currency → limit in minor units',
      });
      return z.NEVER;
    }
    const parsed = limitsObject.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) =>
        issue.path.length ? `${JSON.stringify(issue.path.join('.'))} ${issue.message}` : issue.message,
      );
      ctx.addIssue({ code: 'custom', message: problems.join('; ') });
      return z.NEVER;
    }
    // The refine above made sure the default is there.
    const { [ANY_CURRENCY]: fallback, ...byCurrency } = parsed.data;
    return { byCurrency: new Map(Object.entries(byCurrency)), fallback: fallback as bigint };
  });

/** A variable holding minor units, parsed as bigint. */
const minorUnitsVariable = (fallback: bigint) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number of minor units')
    .default(String(fallback))
    .transform((value) => BigInt(value));

export const riskEnv = {
  RISK_AMOUNT_LIMITS: amountLimitsVariable,
  RISK_VELOCITY_WINDOW_MS: env.positiveInt(3_600_000),
  RISK_VELOCITY_MAX_COUNT: env.positiveInt(50),
  RISK_VELOCITY_MAX_AMOUNT: minorUnitsVariable(500_000_000n),
  RISK_NEW_ACCOUNT_AGE_MS: env.durationMs(86_400_000),
  RISK_NEW_ACCOUNT_LIMIT: minorUnitsVariable(10_000_000n),
};

type RiskConfig = z.infer<z.ZodObject<typeof riskEnv>>;

/** The policy the rules apply, from the loaded configuration. */
export function riskPolicyOf(config: RiskConfig): RiskPolicy {
  return {
    amountLimits: config.RISK_AMOUNT_LIMITS,
    velocityWindowMs: config.RISK_VELOCITY_WINDOW_MS,
    velocityMaxCount: config.RISK_VELOCITY_MAX_COUNT,
    velocityMaxAmount: config.RISK_VELOCITY_MAX_AMOUNT,
    newAccountAgeMs: config.RISK_NEW_ACCOUNT_AGE_MS,
    newAccountLimit: config.RISK_NEW_ACCOUNT_LIMIT,
  };
}
