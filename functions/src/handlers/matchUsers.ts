// POST /matchUsers — people matched to the caller, each with an explanation:
//   { preferences?: { interests?, purposes?, maxDistanceKm? }, limit? }
//   -> { matches: [{ userId, displayName, score, components, matched, explanation, explanationSource }] }
// 404 profile_not_found when the caller has no users/{uid} document (docs/matching.md).
import { z } from 'zod';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { defaultMatchDeps, matchUsersFor, reportMatchRun, type UserMatchesResponse } from '../lib/features/matching/index.js';
import { DEFAULT_LIMIT, MAX_RADIUS_KM, MIN_RADIUS_KM } from '../lib/features/matching/scoring/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';

const tagList = (max: number) => z.array(z.string().trim().min(1).max(64)).max(max);

export const matchUsersBody = z.object({
  preferences: z
    .object({
      /** Replace the profile's interests / purposes for this request (retrieval and scoring). */
      interests: tagList(30).optional(),
      purposes: tagList(10).optional(),
      /** Distance at which the location component reaches 0 (default MATCH_RADIUS_KM): 1-200 km, rounded
       * up to a distance-band edge (docs/matching.md, "Location privacy"). */
      maxDistanceKm: z.number().min(MIN_RADIUS_KM).max(MAX_RADIUS_KM).optional(),
    })
    .optional(),
  limit: z.number().int().min(1).max(20).optional(),
});

export const matchUsersHandler = defineEndpoint({
  name: 'matchUsers',
  method: 'POST',
  body: matchUsersBody,
  rateLimit: MATCH_LIMIT,
  handle: async ({ uid, body, config, log, signal }): Promise<UserMatchesResponse> => {
    const { matches, stats } = await matchUsersFor(
      defaultMatchDeps(config),
      { uid, settings: config.matching, signal, log },
      { limit: body.limit ?? DEFAULT_LIMIT, preferences: body.preferences },
    );
    reportMatchRun(log, stats);
    return { matches };
  },
});
