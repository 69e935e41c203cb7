// Tabs as the WAI-ARIA tabs pattern has them (automatic activation): one tab
// in the page's tab order (the selected one), Left and Right move to the
// previous or next tab and select it (wrapping), Home and End to the first or
// last. Each tab controls its panel; a panel is drawn the first time its tab is
// selected and then kept (hidden while another is selected), so what the coach
// typed in it survives a look at another tab.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

/** The tab a key moves to from `current`, or null when the key is not one the tabs take. */
export function tabForKey<T>(tabs: readonly T[], current: T, key: string): T | null {
  const at = tabs.indexOf(current);
  const last = tabs.length - 1;
  switch (key) {
    case 'ArrowRight':
      return tabs[at >= last ? 0 : at + 1] ?? null;
    case 'ArrowLeft':
      return tabs[at <= 0 ? last : at - 1] ?? null;
    case 'Home':
      return tabs[0] ?? null;
    case 'End':
      return tabs[last] ?? null;
    default:
      return null;
  }
}

interface TabsProps<T extends string> {
  /** Names the tab list for assistive technology. */
  label: string;
  /** Prefixes the tabs' and panels' ids: `<idPrefix>-tab-<name>`, `<idPrefix>-panel-<name>`. */
  idPrefix: string;
  tabs: readonly T[];
  /** What each tab shows (its name, a badge). */
  title: (tab: T) => ComponentChildren;
  panel: (tab: T) => ComponentChildren;
  /** The tab list's and panels' classes. */
  class: { list: string; tab: string; panel: string };
}

export function Tabs<T extends string>({
  label,
  idPrefix,
  tabs,
  title,
  panel,
  class: classes,
}: TabsProps<T>) {
  const [selected, setSelected] = useState<T | undefined>(tabs[0]);
  const [opened, setOpened] = useState<ReadonlySet<T>>(() => new Set(tabs.slice(0, 1)));
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const select = (tab: T) => {
    setSelected(tab);
    setOpened((known) => (known.has(tab) ? known : new Set([...known, tab])));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (selected === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    const next = tabForKey(tabs, selected, event.key);
    if (next === null) return;
    event.preventDefault();
    select(next);
    buttons.current.get(next)?.focus();
  };
  return (
    <>
      <div class={classes.list} role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab}
            ref={(button) => {
              if (button) buttons.current.set(tab, button);
              else buttons.current.delete(tab);
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${tab}`}
            aria-selected={tab === selected}
            aria-controls={`${idPrefix}-panel-${tab}`}
            tabIndex={tab === selected ? 0 : -1}
            class={`${classes.tab}${tab === selected ? ' selected' : ''}`}
            onClick={() => select(tab)}
          >
            {title(tab)}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab}
          class={classes.panel}
          role="tabpanel"
          id={`${idPrefix}-panel-${tab}`}
          aria-labelledby={`${idPrefix}-tab-${tab}`}
          hidden={tab !== selected}
        >
          {opened.has(tab) && panel(tab)}
        </div>
      ))}
    </>
  );
}
