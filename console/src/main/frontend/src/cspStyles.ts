// xterm.js writes the rules it computes for each terminal (cell size, font, colours, the
// scrollbar's colours) into <style> elements it creates, and a 24-bit colour into a cell's style
// attribute. Under the console's Content-Security-Policy (style-src 'self', no 'unsafe-inline')
// the browser refuses both, and the terminal would draw without them. The CSSOM is not bound by
// that policy, so here a <style> the page creates becomes an element whose text fills a
// constructed stylesheet adopted by the document while the element is in it, and a style
// attribute set by script becomes the same declarations set through element.style. The console's
// own code creates neither (the policy forbids them), so nothing else changes.

const SHEET_TAG = 'capstan-constructed-style';

/** A <style> stand-in: its textContent is the rules of a stylesheet adopted while it is attached. */
class ConstructedStyle extends HTMLElement {
  readonly sheet = new CSSStyleSheet();
  text = '';

  connectedCallback(): void {
    if (!document.adoptedStyleSheets.includes(this.sheet)) {
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.sheet];
    }
  }

  disconnectedCallback(): void {
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== this.sheet);
  }
}

// an accessor on the prototype (TypeScript's DOM types declare textContent a plain property)
Object.defineProperty(ConstructedStyle.prototype, 'textContent', {
  get(this: ConstructedStyle) { return this.text; },
  set(this: ConstructedStyle, value: string | null) {
    this.text = value ?? '';
    this.sheet.replaceSync(this.text);
  },
});

let installed = false;

/** Makes script-made <style> elements and style attributes work under the console's CSP. */
export function allowScriptMadeStyles(): void {
  if (installed) return;
  installed = true;
  customElements.define(SHEET_TAG, ConstructedStyle);
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    return tag.toLowerCase() === 'style' ? new ConstructedStyle() : createElement.call(this, tag, options);
  } as typeof createElement;
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (name.toLowerCase() === 'style' && this instanceof HTMLElement) {
      this.style.cssText = value;
      return;
    }
    setAttribute.call(this, name, value);
  };
}
