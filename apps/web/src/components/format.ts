// How numbers read on a screen across the room.

/** m:ss for a countdown, rounding up (a segment with 0.4 s left shows 0:01, not 0:00). */
export function clockText(ms: number, roundUp = true): string {
  const total = Math.max(0, roundUp ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export const oneDecimal = (value: number) => (Math.round(value * 10) / 10).toFixed(1);
export const whole = (value: number) => String(Math.round(value));
