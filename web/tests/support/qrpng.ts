// Renders a text as a QR PNG in node (qrcode-generator + pngjs). Used only for QR texts that
// the Rust side does not make (the desk's pairing link); FormDesk QRs come from Rust.

import { writeFileSync } from "node:fs";
import qrcode from "qrcode-generator";
import { PNG } from "pngjs";

export function writeQrPng(text: string, path: string, cell = 6, margin = 4): void {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  const side = (n + 2 * margin) * cell;
  const png = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.floor(y / cell) - margin, c = Math.floor(x / cell) - margin;
      const dark = r >= 0 && c >= 0 && r < n && c < n && qr.isDark(r, c);
      const i = (y * side + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = dark ? 0 : 255;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}
