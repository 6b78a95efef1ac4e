// What a drill request and answer look like: one zod schema for the API, the page form and the CLI. The
// audience is the advisories' own (the same dimensions and checks).
import { z } from '@hono/zod-openapi';
import { drillRecurrences, drillStates } from '../../domain/drill-states.js';
import { AdvisoryPatch } from '../advisories/schemas.js';

/** The advisories' audience schema (`{"all": true}` or narrowing dimensions, plus named councils). */
export const DrillAudienceSchema = AdvisoryPatch.shape.audience.unwrap();

export const MAX_WINDOW_HOURS = 24 * 14;

export const windowHoursSchema = z.coerce
  .number({ message: 'The window is a whole number of hours' })
  .int('The window is a whole number of hours')
  .min(1, 'The window is at least 1 hour')
  .max(MAX_WINDOW_HOURS, `The window is at most ${MAX_WINDOW_HOURS} hours (14 days)`);

export const DrillInputSchema = z
  .object({
    audience: DrillAudienceSchema,
    scheduledFor: z
      .string()
      .datetime({ offset: true, message: 'scheduledFor is a date and time like 2026-12-01T09:00:00Z' })
      .transform((v) => new Date(v))
      .optional()
      .openapi({
        description: 'When it starts; now (the next scheduler run) when absent',
        example: '2026-12-01T09:00:00Z',
      }),
    windowHours: windowHoursSchema
      .default(24)
      .openapi({ description: 'Hours councils have to acknowledge', example: 24 }),
    recurrence: z
      .enum(drillRecurrences, { message: `The recurrence is one of ${drillRecurrences.join(', ')}` })
      .default('none')
      .openapi({ description: 'A recurring drill schedules its next one when it starts' }),
  })
  .strict()
  .openapi('NewDrill', {
    example: {
      audience: { nations: ['Wales'] },
      scheduledFor: '2026-12-01T09:00:00Z',
      windowHours: 24,
      recurrence: 'quarterly',
    },
  });

const at = z.string().nullable();

export const DrillSchema = z
  .object({
    id: z.string(),
    reference: z.string().openapi({ example: 'DRILL-2026-0001' }),
    state: z.enum(drillStates),
    audience: z.record(z.string(), z.unknown()),
    warpId: z.string().nullable(),
    scheduledFor: z.string(),
    windowHours: z.number().int(),
    recurrence: z.enum(drillRecurrences),
    previousId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    startedAt: at,
    closesAt: at,
    finishedAt: at,
    cancelledBy: z.string().nullable(),
    cancelledAt: at,
  })
  .openapi('Drill');

const Figures = z
  .object({
    group: z
      .string()
      .openapi({ description: 'A nation, region, WARP id or council type code; `total` for all' }),
    label: z.string().openapi({ description: 'The group in words (the WARP’s or the council type’s name)' }),
    councils: z.number().int(),
    reached: z.number().int(),
    acknowledged: z.number().int(),
    acknowledgedInWindow: z.number().int(),
    medianSeconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
  })
  .openapi('DrillGroupFigures');

const Path = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  target: z
    .string()
    .openapi({ description: 'The address, or the number (masked to its last 3 digits for non-admins)' }),
  status: z.enum(['delivered', 'sent', 'failed', 'pending']).openapi({
    description: 'sent: a text the SMS provider took, with no delivery receipt yet',
  }),
  failure: z.string().nullable(),
  acknowledgedAt: at,
});

export const DrillReportSchema = z
  .object({
    drill: DrillSchema,
    final: z.boolean(),
    total: Figures,
    groups: z.object({
      nation: z.array(Figures),
      region: z.array(Figures),
      warp: z.array(Figures),
      type: z.array(Figures),
    }),
    councils: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        nation: z.string(),
        region: z.string(),
        warp: z.string().nullable(),
        type: z.string(),
        paths: z.array(Path),
        reached: z.boolean(),
        triedAt: z.string(),
        acknowledgedAt: at,
        secondsToAcknowledge: z.number().nullable(),
        inWindow: z.boolean(),
        late: z.boolean(),
      }),
    ),
    neverAnswered: z.array(z.object({ code: z.string(), name: z.string(), reached: z.boolean() })),
    failedPaths: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        channel: z.enum(['email', 'sms']),
        target: z.string(),
        failure: z.string().nullable(),
      }),
    ),
  })
  .openapi('DrillReport');
