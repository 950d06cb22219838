// Draws the wasm's text atlas with the platform's fonts: each label in its box (labels of one
// height share a shelf, side by side), white on transparent
// (the game tints it), each row exactly the size the wasm gave it, so a label's pixels meet the
// screen's one to one. The wasm decides every word, size and place (game-wasm's `text.rs`);
// this only turns them into pixels, because fonts, Chinese ones above all, live in the platform.

/** Fonts to try, Simplified Chinese faces first (iOS, macOS, Windows, Android/Linux). */
export const FONT_FAMILY = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';

/**
 * Draws `atlas` (the wasm's `textAtlas()` description) into `canvas` (a DOM canvas, an
 * OffscreenCanvas or a mini-game canvas with a 2D context), resizing it to the atlas.
 */
export function drawTextAtlas(canvas, atlas) {
  canvas.width = atlas.width;
  canvas.height = atlas.height;
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, atlas.width, atlas.height);
  context.fillStyle = '#ffffff';
  context.textBaseline = 'middle';
  for (const row of atlas.rows) {
    context.font = `${row.font_px}px ${FONT_FAMILY}`;
    const measured = context.measureText(row.text).width;
    // Wider than its box: squeezed to fit rather than cut (a long translation stays whole).
    const scale = measured > row.width ? row.width / measured : 1;
    const width = measured * scale;
    const left = row.x ?? 0;
    const x = row.align === 'left' ? 0 : row.align === 'right' ? row.width - width : (row.width - width) / 2;
    context.save();
    context.beginPath();
    context.rect(left, row.y, row.width, row.height);
    context.clip();
    context.translate(left + x, row.y + row.height / 2);
    context.scale(scale, 1);
    context.fillText(row.text, 0, 0);
    context.restore();
  }
}
