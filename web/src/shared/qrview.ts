// Shows a QR text as a crisp SVG. QR alphanumeric mode for the FormDesk texts (FDx1:…),
// byte mode for anything else; error correction M (the format's size table assumes M).

import qrcode from "qrcode-generator";

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

export function qrSvg(text: string, level: "L" | "M" | "Q" | "H" = "M"): string {
  const qr = qrcode(0, level);
  qr.addData(text, ALPHANUMERIC.test(text) ? "Alphanumeric" : "Byte");
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

/** The QR version chosen for a text (1..40); shown in the debug line and tested. */
export function qrVersion(text: string, level: "L" | "M" | "Q" | "H" = "M"): number {
  const qr = qrcode(0, level);
  qr.addData(text, ALPHANUMERIC.test(text) ? "Alphanumeric" : "Byte");
  qr.make();
  return (qr.getModuleCount() - 17) / 4;
}
