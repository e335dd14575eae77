"""A QR code held up to Chromium's fake camera, for the desks' scanner
(midsummer/static/midsummer/scanner.js)."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image


def camera_feed(code: str, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays in a loop) of ``code`` as a QR code held
    up to the camera: the code's modules in the luma plane, neutral chroma."""
    width, height, frames = 640, 480, 5
    qr = segno.make(code, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=4)
    picture = Image.open(buffer).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    neutral = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + frame.tobytes() + neutral + neutral)
    return path


def camera_args(feed: Path) -> list[str]:
    """Chromium's switches to play ``feed`` as the camera, with the permission granted."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={feed}",
    ]
