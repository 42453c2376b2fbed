"""Charts drawn by louwu as inline SVG: no library, no script, readable on an old office PC."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

PALETTE = ("#1a56db", "#07c160", "#e3a008", "#e02424", "#7e3af2", "#0694a2", "#ff5a1f", "#9aa5b1")
W, H, PAD_L, PAD_B, PAD_T = 560, 240, 36, 28, 12


def _svg(body: str, height: int = H, title: str = "") -> Markup:
    label = f"<title>{escape(title)}</title>" if title else ""
    return Markup(  # noqa: S704 - every text inside went through escape()
        f'<svg viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}" '
        f'font-size="11" font-family="sans-serif">{label}{body}</svg>'
    )


def _axis(top: float, labels: Sequence[str], step: float) -> str:
    plot_h = H - PAD_B - PAD_T
    parts = []
    for i in range(5):
        v = top * i / 4
        y = H - PAD_B - plot_h * i / 4
        parts.append(f'<line x1="{PAD_L}" x2="{W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e8ec"/>')
        parts.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#616e7c">{v:g}</text>')
    for i, label in enumerate(labels):
        x = PAD_L + step * (i + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{H - 10}" text-anchor="middle" fill="#616e7c">{escape(label)}</text>'
        )
    return "".join(parts)


def _nice(top: float) -> float:
    for n in (4, 8, 12, 20, 40, 60, 100, 200, 400, 1000, 2000, 4000, 10000):
        if top <= n:
            return n
    return top


def legend(names: Sequence[str]) -> Markup:
    items = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{escape(n)}</span>'
        for i, n in enumerate(names)
    )
    return Markup(f'<div class="legend">{items}</div>')  # noqa: S704 - escaped above


def stacked_bars(labels: Sequence[str], series: dict[str, Sequence[int]], title: str) -> Markup:
    """One bar per label, stacked by series (e.g. issues per week, by category)."""
    totals = [sum(vals[i] for vals in series.values()) for i in range(len(labels))]
    top = _nice(max(totals, default=0) or 1)
    step = (W - PAD_L) / max(len(labels), 1)
    plot_h = H - PAD_B - PAD_T
    parts = [_axis(top, labels, step)]
    for i in range(len(labels)):
        y = H - PAD_B
        for k, vals in enumerate(series.values()):
            h = plot_h * vals[i] / top
            if h:
                x = PAD_L + step * i + step * 0.15
                parts.append(
                    f'<rect x="{x:.1f}" y="{y - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                )
            y -= h
    return _svg("".join(parts), title=title)


def lines(labels: Sequence[str], series: dict[str, Sequence[int | None]], title: str) -> Markup:
    """One line per series over the labels (e.g. open and resolved issues per week); a None leaves a
    gap (a week with nothing to measure is not a zero)."""
    top = _nice(
        max((max((x for x in v if x is not None), default=0) for v in series.values()), default=0) or 1
    )
    step = (W - PAD_L) / max(len(labels), 1)
    plot_h = H - PAD_B - PAD_T
    parts = [_axis(top, labels, step)]
    for k, vals in enumerate(series.values()):
        color = PALETTE[k % len(PALETTE)]
        for run in _runs(vals):
            points = " ".join(
                f"{PAD_L + step * (i + 0.5):.1f},{H - PAD_B - plot_h * v / top:.1f}" for i, v in run
            )
            parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5"/>')
            if len(run) == 1:  # a lone week is a dot, not an invisible line
                i, v = run[0]
                parts.append(
                    f'<circle cx="{PAD_L + step * (i + 0.5):.1f}" cy="{H - PAD_B - plot_h * v / top:.1f}" '
                    f'r="3" fill="{color}"/>'
                )
    return _svg("".join(parts), title=title)


def _runs(values: Sequence[int | None]) -> list[list[tuple[int, int]]]:
    """The stretches of consecutive values that are not None, with their positions."""
    runs: list[list[tuple[int, int]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]


def hbars(rows: Sequence[tuple[str, float, str]], title: str, colors: Sequence[str] = PALETTE) -> Markup:
    """Horizontal bars: (label, value, value as shown)."""
    top = max((v for _, v, _ in rows), default=0) or 1
    row_h, left = 26, 110
    height = max(row_h * len(rows) + 8, 40)
    parts = []
    for i, (label, value, shown) in enumerate(rows):
        y = 4 + row_h * i
        w = (W - left - 150) * value / top
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colors[i % len(colors)]}"/>'
        )
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 16}" fill="#1f2933">{escape(shown)}</text>')
    if not rows:
        parts.append(f'<text x="{W / 2}" y="24" text-anchor="middle" fill="#616e7c">还没有数据</text>')
    return _svg("".join(parts), height=height, title=title)
