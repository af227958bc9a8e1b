// Behaviour signal: the mouse moving while keys are held down. People type a password with their
// hands on the keyboard; a script that "humanises" its cursor moves it between and during keys.
// Counts key presses during which a mouse pointermove arrived (no typed characters are read).
export const MIN_KEYS = 8;
export const MOVED_SHARE = 0.5;

export class PointerWhileTyping {
  private held = 0;
  private moved = false;
  keys = 0;
  movedKeys = 0;

  /** Call with every trusted keydown, keyup and pointermove. */
  see(e: Event): void {
    if (e.type === 'keydown' && !(e as KeyboardEvent).repeat) {
      this.held++;
      this.keys++;
      this.moved = false;
    } else if (e.type === 'keyup') this.held = Math.max(0, this.held - 1);
    else if (e.type === 'pointermove' && this.held && !this.moved && (e as PointerEvent).pointerType === 'mouse') {
      this.moved = true;
      this.movedKeys++;
    }
  }

  /** 'pointer_while_typing' when the mouse moved during at least half of ≥ MIN_KEYS key presses. */
  signal(): string | null {
    return this.keys >= MIN_KEYS && this.movedKeys >= this.keys * MOVED_SHARE ? 'pointer_while_typing' : null;
  }
}
