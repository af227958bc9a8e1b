import { IsIn, IsUUID } from 'class-validator';

export class FeedbackDto {
  @IsUUID() assessmentId!: string;
  @IsIn(['legit', 'fraud', 'challenge_passed', 'challenge_failed']) label!: 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed';
}
