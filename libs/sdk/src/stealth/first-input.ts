// Behaviour signal: time to first input. A person sees the page before the first key or button
// press; a script acts as soon as the page has loaded. Measured from navigation start (the
// performance timeline), so a slow page load never makes a person look fast.
import { eventTime } from '../util';

export const FIRST_INPUT_MS = 400;

export class FirstInput {
  at: number | null = null;

  /** Call with every trusted input event; the first keydown or pointerdown is kept. */
  see(e: Event): void {
    if (this.at === null && (e.type === 'keydown' || e.type === 'pointerdown')) this.at = eventTime(e);
  }

  /** 'first_input_fast' when the first key or button press came under FIRST_INPUT_MS after navigation start. */
  signal(): string | null {
    return this.at !== null && this.at < FIRST_INPUT_MS ? 'first_input_fast' : null;
  }
}
