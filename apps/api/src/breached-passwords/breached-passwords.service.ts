import { HttpStatus, Injectable } from '@nestjs/common';
import { BreachedPasswordRepository } from '@kizuki/database';
import { ApiError } from '../common/api-error';
import { paddedRange } from './range-padding';

const PREFIX = /^[0-9A-Fa-f]{5}$/;

/** The k-anonymity range lookup of the operator's breached-password corpus. */
@Injectable()
export class BreachedPasswordsService {
  constructor(private readonly corpus: BreachedPasswordRepository) {}

  async range(prefix: string): Promise<string> {
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The prefix is not 5 hexadecimal characters.', [
        { path: 'prefix', problems: ['prefix must be the first 5 hex characters of a SHA-1 hash'] },
      ]);
    }
    const range = await this.corpus.range(parseInt(prefix, 16));
    if (range.maxRange === null) {
      // Answering "not breached" for every password would be a silent failure: say it is not there.
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'BREACHED_CORPUS_MISSING',
        'No breached-password corpus has been imported (npm run kizuki -- breached import FILE).',
      );
    }
    return paddedRange(range.body, range.maxRange);
  }
}
