import { FEEDBACK_LABELS, type FeedbackLabel, type FeedbackRequest } from '@kizuki/contract';
import { IsIn, IsUUID } from 'class-validator';

export class FeedbackDto implements FeedbackRequest {
  @IsUUID() assessmentId!: string;
  @IsIn(FEEDBACK_LABELS) label!: FeedbackLabel;
}
