import { z } from 'zod';
import { Slug } from '../../shared/domain/ids';

/** Path parameters, validated like any other input (400 naming the parameter). */
export const GoLiveParams = z.object({ goLiveId: Slug });
export const UnitParams = GoLiveParams.extend({ unitId: Slug });
export const AreaParams = GoLiveParams.extend({ areaId: Slug });
export const IncidentParams = GoLiveParams.extend({ incidentId: z.string().min(1).max(80) });

export const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
