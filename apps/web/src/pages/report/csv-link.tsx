// The samples as CSV. A plain link cannot carry the bearer token, so the first
// click fetches the file with it, keeps it as a Blob URL and clicks the link
// again, now pointing at the file: one click for the user, a real download.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../../api.js';

type CsvState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; reason: string };

const freshForMs = 60_000;

export function CsvLink({ api, sessionId, fileName }: { api: Api; sessionId: string; fileName: string }) {
  const link = useRef<HTMLAnchorElement>(null);
  const [csv, setCsv] = useState<CsvState>({ kind: 'idle' });
  const url = csv.kind === 'ready' ? csv.url : null;

  useEffect(() => {
    if (url === null) return;
    link.current?.click();
    // A class still running has more samples a minute later: the next click fetches the file again.
    const stale = setTimeout(() => setCsv({ kind: 'idle' }), freshForMs);
    return () => {
      clearTimeout(stale);
      URL.revokeObjectURL(url);
    };
  }, [url]);

  const download = async (event: MouseEvent) => {
    if (csv.kind === 'ready') return; // the browser downloads the Blob URL itself
    event.preventDefault();
    if (csv.kind === 'loading') return;
    setCsv({ kind: 'loading' });
    try {
      const text = await api.text(`/sessions/${encodeURIComponent(sessionId)}/export.csv`);
      setCsv({
        kind: 'ready',
        url: URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })),
      });
    } catch (error) {
      setCsv({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <span class="csv-download">
      <a
        ref={link}
        class="button"
        href={url ?? '#'}
        download={fileName}
        onClick={download}
        aria-busy={csv.kind === 'loading'}
        data-csv={csv.kind}
      >
        {csv.kind === 'loading' ? 'Preparing CSV…' : 'Download CSV'}
      </a>
      {csv.kind === 'failed' && (
        <span class="csv-error" role="alert">
          {csv.reason}
        </span>
      )}
    </span>
  );
}
