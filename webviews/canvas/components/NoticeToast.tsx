import { useEffect } from 'react';
import { useCanvas } from './store-context.js';

const SHOW_MS = 6000;

/** A refused or failed gesture, shown briefly over the canvas. */
export function NoticeToast() {
  const notice = useCanvas((s) => s.notice);
  const dismiss = useCanvas((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(dismiss, SHOW_MS);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  if (!notice) return null;
  return (
    <div className={`mp-notice mp-notice-${notice.severity}`} role="alert" data-testid="notice" onClick={dismiss}>
      <span className={`codicon codicon-${notice.severity === 'error' ? 'error' : 'info'}`} aria-hidden="true" />
      <span>{notice.message}</span>
    </div>
  );
}
