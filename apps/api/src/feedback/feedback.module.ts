import { Module } from '@nestjs/common';
import { FeedbackService } from './feedback.service';

/** Feedback on a login: one service for /v1/feedback (ApiModule's controller) and the console's labels. */
@Module({ providers: [FeedbackService], exports: [FeedbackService] })
export class FeedbackModule {}
