// What React Flow needs from a browser that jsdom lacks (React Flow's own testing guide does the same).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    // Report the element's (stubbed) size once, as a browser would after layout.
    this.callback([{ target, contentRect: target.getBoundingClientRect() } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;

class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}
globalThis.DOMMatrixReadOnly = DOMMatrixReadOnlyStub as unknown as typeof DOMMatrixReadOnly;

// Nodes and the pane have a size (jsdom lays nothing out).
Object.defineProperties(globalThis.HTMLElement.prototype, {
  offsetHeight: { get() { return parseFloat((this as HTMLElement).style.height) || 60; } },
  offsetWidth: { get() { return parseFloat((this as HTMLElement).style.width) || 220; } },
});
(globalThis.SVGElement.prototype as unknown as { getBBox: () => DOMRect }).getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;

afterEach(() => cleanup());

// Form-associated custom elements (@vscode-elements) report validity through ElementInternals,
// which jsdom only partly implements: a stand-in that accepts every call.
HTMLElement.prototype.attachInternals = function attachInternals(): ElementInternals {
  return {
    setValidity: () => undefined, setFormValue: () => undefined, checkValidity: () => true, reportValidity: () => true,
    validity: { valid: true }, validationMessage: '', willValidate: true, form: null, labels: [], states: new Set(),
  } as unknown as ElementInternals;
};

// Constructable stylesheets (Lit, @vscode-elements) are not in jsdom; the list only has to exist.
if (!('adoptedStyleSheets' in document)) Object.defineProperty(document, 'adoptedStyleSheets', { value: [], writable: true });

// jsdom has no layout, hence no innerText; @vscode-elements reads option labels from it.
if (!('innerText' in HTMLElement.prototype)) {
  Object.defineProperty(HTMLElement.prototype, 'innerText', {
    get(this: HTMLElement) { return this.textContent ?? ''; },
    set(this: HTMLElement, v: string) { this.textContent = v; },
  });
}
