"""Read the end points of Kingma & Welling's Figure 2 off the vector paths of the paper's PDF.

Figure 2 of arXiv:1312.6114 is drawn as vector paths, so its curves can be read exactly rather
than by eye: each panel's frame, its major ticks and their labels give the axes' scales, and the
red dashed path (AEVB, test) is interpolated at 10⁸ training examples. The reading tolerance is
half the curve's stroke width in the panel's units: values closer than that cannot be told apart
on the printed figure.

    pip install pymupdf
    python scripts/read_figure2.py 1312.6114v10.pdf        # prints JSON, one entry per panel

The PDF is not part of the repository (it is the authors' copyright); the readings it gives are
quoted in ``aebook.results.papers``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys

import numpy as np


def _lines(drawing):
    return [(a, b) for kind, a, b, *_ in drawing["items"] if kind == "l"]


def _polyline(drawing):
    points = []
    for item in drawing["items"]:
        if item[0] == "l":
            points += [item[1], item[2]]
        elif item[0] == "c":
            points += [item[1], item[4]]
    return [(p.x, p.y) for p in points]


def _interpolate(points, x):
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if min(x0, x1) <= x <= max(x0, x1) and x0 != x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise ValueError(f"the curve does not reach x = {x:.2f} pt")


def _fit(pairs):
    """Least-squares line value = a + b·position through (position, value) pairs: (a, b)."""
    b, a = np.polyfit([p for p, _ in pairs], [v for _, v in pairs], 1)
    return float(a), float(b)


def read(pdf_path: str, page_number: int = 7) -> list[dict]:
    try:
        import pymupdf
    except ImportError:
        sys.exit("this script needs PyMuPDF: pip install pymupdf")
    page = pymupdf.open(pdf_path)[page_number - 1]
    drawings = page.get_drawings()
    spans = [
        s
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for s in line["spans"]
    ]
    # Frames: the four thick black sides of each panel, in drawing order.
    sides = [
        d
        for d in drawings
        if d["color"]
        and round(d["width"] or 0, 2) == 0.44
        and min(d["rect"].width, d["rect"].height) == 0  # not the legend's box
    ]
    frames = []
    for i in range(0, len(sides) - len(sides) % 4, 4):
        four = [sides[j]["rect"] for j in range(i, i + 4)]  # (| drops zero-width rectangles)
        r = pymupdf.Rect(
            min(s.x0 for s in four),
            min(s.y0 for s in four),
            max(s.x1 for s in four),
            max(s.y1 for s in four),
        )
        if r.width > 20 and r.height > 20:
            frames.append(r)
    thin = [d for d in drawings if d["color"] and round(d["width"] or 0, 2) == 0.22]
    red = [d for d in drawings if d["color"] and tuple(d["color"]) == (1.0, 0.0, 0.0)]
    panels = []
    for frame in frames:
        title = "".join(
            s["text"]
            for s in spans
            if frame.y0 - 10 < s["bbox"][3] <= frame.y0 + 1 and frame.x0 <= s["bbox"][0] < frame.x1
        )
        match = re.match(r"\s*(MNIST|Frey Face),\s*Nz?\s*=\s*(\d+)", title.replace("N z", "Nz"))
        if not match:
            continue
        x_ticks, y_ticks = [], []  # major ticks on the bottom and the left edge
        for d in thin:
            for a, b in _lines(d):
                length = math.dist((a.x, a.y), (b.x, b.y))
                if abs(length - 1.76) > 0.05:
                    continue
                if (
                    a.x == b.x
                    and abs(a.y - frame.y1) < 0.05
                    and frame.x0 - 0.1 <= a.x <= frame.x1 + 0.1
                ):
                    x_ticks.append(a.x)
                if (
                    a.y == b.y
                    and abs(a.x - frame.x0) < 0.05
                    and frame.y0 - 0.1 <= a.y <= frame.y1 + 0.1
                ):
                    y_ticks.append(a.y)
        x_ticks = sorted(set(round(x, 3) for x in x_ticks))
        y_ticks = sorted(set(round(y, 3) for y in y_ticks))
        # x labels are 10^5 ... 10^8 from left to right.
        exponents = [
            int(s["text"])
            for s in sorted(spans, key=lambda s: s["bbox"][0])
            if frame.y1 < s["bbox"][1] < frame.y1 + 4
            and frame.x0 - 6 < s["bbox"][0] < frame.x1 + 6
            and s["text"].strip().isdigit()
            and s["text"] != "10"
        ]
        if len(exponents) != len(x_ticks):
            raise ValueError(f"{title}: {len(x_ticks)} x ticks but labels {exponents}")
        # y labels: the number printed beside each tick; MNIST's minus signs are drawn, not text.
        sign = -1.0 if match.group(1) == "MNIST" else 1.0
        labels = [
            s
            for s in spans
            if s["bbox"][2] <= frame.x0 + 0.5
            and s["bbox"][2] > frame.x0 - 15
            and s["text"].strip().isdigit()
            and frame.y0 - 5 < s["bbox"][1] < frame.y1 + 5
        ]
        y_pairs = []
        for y in y_ticks:
            nearest = min(labels, key=lambda s: abs((s["bbox"][1] + s["bbox"][3]) / 2 - y))
            y_pairs.append((y, sign * float(nearest["text"])))
        x0, xb = _fit(list(zip(x_ticks, exponents, strict=True)))
        y0, yb = _fit(y_pairs)
        at = (8 - x0) / xb  # 10⁸ examples, in points
        curves = {}
        for kind in ("test", "train"):  # AEVB's test curve is dashed, its training curve solid
            paths = [d for d in red if d["dashes"].startswith("[ ") == (kind == "test")]
            # A panel's curve is the path with the most vertices inside its frame (the paths
            # are clipped to their frames, so their bounding boxes overlap other panels).
            d = max(paths, key=lambda d: sum(pymupdf.Point(p) in frame for p in _polyline(d)))
            curves[kind] = (y0 + yb * _interpolate(_polyline(d), at), d["width"])
        value, width = curves["test"]
        panels.append(
            {
                "dataset": match.group(1),
                "N_z": int(match.group(2)),
                "test bound at 1e8": round(value, 2),
                "train bound at 1e8": round(curves["train"][0], 2),
                "reading tolerance": round(abs(yb) * width / 2, 2),
                "axis residual": round(max(abs(y0 + yb * p - v) for p, v in y_pairs), 3),
            }
        )
    return panels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", help="arXiv:1312.6114 (v10) as a PDF")
    parser.add_argument("--page", type=int, default=7, help="the page that holds Figure 2")
    args = parser.parse_args()
    print(json.dumps(read(args.pdf, args.page), indent=1))


if __name__ == "__main__":
    main()
