import type { Evidence, ScoringInput, ScoringResult } from '../types';
import type { DetectorName } from '../policy';

/** What one detector contributes: evidence, and optionally one of the named sub-scores. */
export interface DetectorOutput {
  evidence: Evidence[];
  scores?: Partial<ScoringResult['scores']>;
}

export interface Detector {
  name: DetectorName;
  run(input: ScoringInput): DetectorOutput;
}
