// A 2D canvas context stand-in for the mini-game sandbox's off-screen canvases: no pixels, but
// every call is checked the way a strict runtime would (a font in CSS pixels, finite numbers,
// balanced save/restore, known enum strings), and the text drawn is kept so tests can see what
// the player would read. Used by the shim to rasterise the game's labels.

const BASELINES = ['top', 'hanging', 'middle', 'alphabetic', 'ideographic', 'bottom'];

export class Canvas2dStandIn {
  constructor(canvas) {
    this.canvas = canvas;
    this.depth = 0;
    this.fontPx = 10;
    this.fontValue = '10px sans-serif';
    this.baseline = 'alphabetic';
    this.fillStyle = '#000000';
  }

  fail(message) {
    throw new Error(`2D canvas stand-in: ${message}`);
  }

  finite(name, ...values) {
    for (const value of values) if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${name}: ${value} is not a finite number`);
  }

  get font() {
    return this.fontValue;
  }

  set font(value) {
    const match = /^(\d+(?:\.\d+)?)px\s+\S/.exec(value);
    if (!match) this.fail(`font "${value}" is not "<size>px <family>"`);
    this.fontPx = Number(match[1]);
    this.fontValue = value;
  }

  get textBaseline() {
    return this.baseline;
  }

  set textBaseline(value) {
    if (!BASELINES.includes(value)) this.fail(`textBaseline "${value}"`);
    this.baseline = value;
  }

  /** Widths as a CJK font would give them: a full em per CJK character, about half for Latin. */
  measureText(text) {
    if (typeof text !== 'string') this.fail('measureText: not a string');
    const width = [...text].reduce((sum, char) => sum + (char.codePointAt(0) > 0x2e80 ? 1 : 0.55) * this.fontPx, 0);
    return { width };
  }

  fillText(text, x, y) {
    if (typeof text !== 'string' || text.length === 0) this.fail('fillText: expected a non-empty string');
    this.finite('fillText', x, y);
    this.canvas.texts.push({ text, fontPx: this.fontPx });
  }

  clearRect(x, y, width, height) {
    this.finite('clearRect', x, y, width, height);
    if (x <= 0 && y <= 0 && x + width >= this.canvas.width && y + height >= this.canvas.height) this.canvas.texts.length = 0;
  }

  rect(x, y, width, height) {
    this.finite('rect', x, y, width, height);
  }

  translate(x, y) {
    this.finite('translate', x, y);
  }

  scale(x, y) {
    this.finite('scale', x, y);
    if (x === 0 || y === 0) this.fail('scale: a zero factor');
  }

  beginPath() {}

  clip() {}

  save() {
    this.depth += 1;
  }

  restore() {
    if (this.depth === 0) this.fail('restore without save');
    this.depth -= 1;
  }
}
