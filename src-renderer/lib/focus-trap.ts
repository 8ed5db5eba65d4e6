/**
 * A Svelte attachment for modal dialogs: focuses the element marked `data-autofocus` (else the
 * first focusable one), keeps Tab and Shift+Tab inside, and gives focus back to whatever had it
 * when the dialog closes.
 */
const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Traps focus inside `node` while it is mounted. */
export function focusTrap(node: HTMLElement): () => void {
  const previous = node.ownerDocument.activeElement as HTMLElement | null;
  const focusables = (): HTMLElement[] => [...node.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const initial = node.querySelector<HTMLElement>('[data-autofocus]') ?? focusables()[0] ?? node;
  initial.focus();

  const onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab') return;
    const items = focusables();
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return event.preventDefault();
    const active = node.ownerDocument.activeElement;
    if (event.shiftKey && (active === first || !node.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !node.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };
  node.addEventListener('keydown', onKeydown);
  return () => {
    node.removeEventListener('keydown', onKeydown);
    if (previous && previous.isConnected) previous.focus();
  };
}
