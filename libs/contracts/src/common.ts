import { z } from 'zod';

/** A NATS subject token chosen by a studio or a gateway: `[A-Za-z0-9_-]{1,64}`. */
export const subjectToken = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match [A-Za-z0-9_-]{1,64}');

/** Identifiers we mint ourselves are subject tokens too, so they can name subjects. */
export const entityId = subjectToken;

/** Epoch milliseconds. */
export const epochMs = z.int().nonnegative();

/** ISO-8601 with offset, or epoch ms, normalised to epoch ms. */
export const timestamp = z.union([
  epochMs,
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

export const heartRate = z.int().min(0).max(255);

export const sex = z.enum(['female', 'male', 'unspecified']);
export type Sex = z.infer<typeof sex>;

export const maxHrFormula = z.enum(['fox', 'tanaka', 'gulati', 'hunt']);
export type MaxHrFormula = z.infer<typeof maxHrFormula>;

export const zoneModel = z.enum(['percent-max', 'five-zone-84', 'karvonen', 'custom']);
export type ZoneModel = z.infer<typeof zoneModel>;

/** Five ascending whole percentages, the lower bounds of zones 1..5. */
export const zonePercentages = z
  .array(z.int().min(1).max(99))
  .length(5)
  .refine((values) => values.every((value, index) => index === 0 || value > (values[index - 1] ?? 0)), {
    message: 'must be strictly ascending',
  })
  .meta({ description: 'Lower bounds of zones 1..5 in percent, strictly ascending' });

/**
 * How a class turns max HR into zone thresholds, copied at join so that a raised
 * max HR (adaptive max) moves the zones the way the studio's model would:
 * percentages of max HR, or of the reserve above resting HR (Karvonen).
 */
export const zoneRule = z.strictObject({
  basis: z.enum(['max', 'reserve']),
  percentages: zonePercentages,
});
export type ZoneRule = z.infer<typeof zoneRule>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Formats a zod error as one readable line: `path: message; path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeIssues(result.error) };
}
