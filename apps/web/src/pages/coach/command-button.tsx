// A big touch target for one command: busy (and not tappable again) while it runs.
interface CommandButtonProps {
  label: string;
  /** The action's name given to `attempt`, when it is not the label. */
  action?: string;
  /** The action running now on the page; this button is busy when it is this one. */
  running: string | null;
  onClick: () => void;
  class?: string;
  disabled?: boolean;
}

export function CommandButton({
  label,
  running,
  onClick,
  class: kind = '',
  disabled = false,
}: CommandButtonProps) {
  const busy = running === label;
  return (
    <button
      type="button"
      class={`command ${kind}`.trim()}
      disabled={disabled || busy}
      aria-busy={busy}
      onClick={onClick}
    >
      {label}
    </button>
  );
}
