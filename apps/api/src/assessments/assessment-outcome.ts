import type { AssessmentRow } from '@kizuki/database';

type OutcomeField =
  'id' | 'event' | 'status' | 'decision' | 'policyDecision' | 'shadow' | 'score' | 'scores' | 'reasons';

/** What every view of a stored assessment shows first: the public /v1 answer and the console's detail. */
export function assessmentOutcome(a: Pick<AssessmentRow, OutcomeField>): Pick<AssessmentRow, OutcomeField> {
  return {
    id: a.id,
    event: a.event,
    status: a.status,
    decision: a.decision,
    policyDecision: a.policyDecision,
    shadow: a.shadow,
    score: a.score,
    scores: a.scores,
    reasons: a.reasons,
  };
}
