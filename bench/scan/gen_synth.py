#!/usr/bin/env python3
"""Generates the synthetic webcam set of bench/scan with a fixed seed.

Each frame is 1280x720: a desk with clutter (boxes, lines, text, paper), a phone whose
screen shows a FormDesk response-sized QR code (FDA1: + Base45, ~450 characters, about 300
payload bytes: version 12-14, EC level M), seen by a cheap webcam: in-plane rotation, tilt
up to 30 degrees, screen glare, defocus or motion blur, sensor noise, uneven light and JPEG
compression. Writes NNN.jpg and NNN.txt (the exact expected text) into OUT.

usage: gen_synth.py OUT [--count N] [--seed S]
"""
import argparse
import math
import os

import cv2
import numpy as np
import segno

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
W, H = 1280, 720


def response_text(rng):
    n = int(rng.integers(420, 470))
    return "FDA1:" + "".join(B45[i] for i in rng.integers(0, 45, n))


def qr_modules(text):
    q = segno.make_qr(text, error="m", boost_error=False)
    m = np.array([[1 if v else 0 for v in row] for row in q.matrix], dtype=np.uint8)
    return m  # without quiet zone


def desk(rng):
    base = rng.uniform(90, 200)
    gx = np.linspace(-1, 1, W)[None, :] * rng.uniform(-40, 40)
    gy = np.linspace(-1, 1, H)[:, None] * rng.uniform(-40, 40)
    img = np.clip(base + gx + gy + rng.normal(0, 6, (H, W)), 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(4, 12))):  # clutter: boxes, lines, text
        c = int(rng.integers(0, 256))
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(20, 300)), y + int(rng.integers(20, 200))), c, -1)
        elif kind == 1:
            cv2.line(img, (x, y), (int(rng.integers(0, W)), int(rng.integers(0, H))), c, int(rng.integers(1, 6)))
        else:
            txt = "".join(chr(int(v)) for v in rng.integers(65, 91, int(rng.integers(4, 14))))
            cv2.putText(img, txt, (x, y), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.5, 2.0)), c, 2)
    return img


def phone_image(mod, rng, px):
    """The phone (bezel + screen with the code) as a flat image, px pixels per module."""
    n = mod.shape[0]
    white, black = rng.uniform(200, 250), rng.uniform(15, 60)
    margin = int(rng.integers(4, 8))
    side = (n + 2 * margin) * px
    screen_h = int(side * rng.uniform(1.5, 2.0))
    bezel = int(px * rng.uniform(2, 6))
    img = np.full((screen_h + 2 * bezel, side + 2 * bezel), rng.uniform(5, 40), np.float32)
    img[bezel:bezel + screen_h, bezel:bezel + side] = white
    # some UI text and a header bar on the screen
    hb = int(screen_h * 0.08)
    img[bezel:bezel + hb, bezel:bezel + side] = rng.uniform(60, 160)
    code = np.where(np.kron(mod, np.ones((px, px))) > 0, black, white).astype(np.float32)
    top = bezel + int((screen_h - side) * rng.uniform(0.3, 0.7))
    img[top + margin * px: top + (margin + n) * px, bezel + margin * px: bezel + (margin + n) * px] = code
    corners = np.array([[bezel + margin * px, top + margin * px], [bezel + (margin + n) * px, top + margin * px],
                        [bezel + (margin + n) * px, top + (margin + n) * px], [bezel + margin * px, top + (margin + n) * px]],
                       np.float32)
    return img, corners


def pose(rng, w, h, code_w):
    """Destination quad of a w x h plane: rotation, tilt <= 30 degrees, position."""
    yaw, pitch = np.radians(rng.uniform(-30, 30)), np.radians(rng.uniform(-30, 30))
    roll = np.radians(rng.uniform(-180, 180) if rng.random() < 0.3 else rng.uniform(-25, 25))
    ry = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]])
    rx = np.array([[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]])
    rz = np.array([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0], [0, 0, 1]])
    r = rz @ rx @ ry
    f = 1000.0
    scale = code_w / w  # flat pixels -> world units at depth f
    pts = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) - [w / 2, h / 2]
    world = np.c_[pts * scale, np.zeros(4)] @ r.T + [0, 0, f]
    proj = world[:, :2] / world[:, 2:3] * f
    cx, cy = rng.uniform(0.3, 0.7) * W, rng.uniform(0.3, 0.7) * H
    return (proj + [cx, cy]).astype(np.float32)


def frame(rng, text):
    mod = qr_modules(text)
    img = desk(rng).astype(np.float32)
    px = 4
    ph, corners = phone_image(mod, rng, px)
    code_px = rng.uniform(230, 420)  # size of the code in the frame
    hph, wph = ph.shape
    qw = corners[1][0] - corners[0][0]
    quad = pose(rng, wph, hph, code_px * wph / qw)
    src = np.array([[0, 0], [wph, 0], [wph, hph], [0, hph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(ph, m, (W, H), flags=cv2.INTER_AREA, borderValue=-1)
    mask = cv2.warpPerspective(np.ones_like(ph), m, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
    img = img * (1 - mask) + np.where(warped < 0, 0, warped) * mask
    # glare: a bright soft blob, often over the screen
    if rng.random() < 0.6:
        gx, gy = quad[:, 0].mean() + rng.normal(0, 80), quad[:, 1].mean() + rng.normal(0, 80)
        sx, sy = rng.uniform(30, 160), rng.uniform(30, 160)
        yy, xx = np.mgrid[0:H, 0:W]
        blob = np.exp(-(((xx - gx) / sx) ** 2 + ((yy - gy) / sy) ** 2) / 2)
        img = img + blob * rng.uniform(40, 160)
    # uneven light / exposure
    img = img * rng.uniform(0.7, 1.15) + rng.uniform(-20, 20)
    # blur: defocus or motion
    if rng.random() < 0.3:
        k = int(rng.integers(3, 8))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
        kern = cv2.warpAffine(kern, rot, (k, k))
        kern /= max(kern.sum(), 1e-6)
        img = cv2.filter2D(img, -1, kern)
    else:
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.4, 1.6)))
    img = img + rng.normal(0, rng.uniform(2, 9), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(45, 90))])
    assert ok
    return jpg.tobytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261126)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    cv2.setRNGSeed(a.seed)
    for i in range(a.count):
        text = response_text(rng)
        data = frame(rng, text)
        with open(os.path.join(a.out, f"{i:03d}.jpg"), "wb") as f:
            f.write(data)
        with open(os.path.join(a.out, f"{i:03d}.txt"), "wb") as f:
            f.write(text.encode())


if __name__ == "__main__":
    main()
