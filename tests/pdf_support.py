"""Small PDFs written for the tests with matplotlib's PDF backend: lines of text runs, each run
with its font size and rise (superscripts), blocks side by side, several pages; and bad files
(encrypted, scanned, truncated)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("agg")
matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType with a ToUnicode map: text pdfium can read

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

Run = tuple[str, float, float]  # text, font size (pt), rise (pt)
Block = tuple[float, Sequence[Run]]  # left edge as a fraction of the page width, its runs
Line = str | Sequence[Block]

PAGE_HEIGHT = 11 * 72


def sup(text: str, size: float = 7.0) -> Run:
    """A superscript marker (raised by half its size)."""
    return (text, size, size / 2)


def txt(text: str, size: float = 10.0) -> Run:
    return (text, size, 0.0)


def write_pdf(path: Path, pages: Sequence[Sequence[Line]], title_size: float = 16.0) -> Path:
    """A PDF of ``pages``; a line is a plain string (10 pt, at the left margin) or blocks of runs.
    The first line of the first page is set at ``title_size``."""
    with PdfPages(path) as pdf:
        for number, lines in enumerate(pages):
            fig = plt.figure(figsize=(8.5, 11))
            renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
            y = 0.93
            for index, line in enumerate(lines):
                blocks: Sequence[Block] = [(0.1, [txt(line)])] if isinstance(line, str) else line
                if number == 0 and index == 0 and isinstance(line, str):
                    blocks = [(0.1, [txt(line, title_size)])]
                size = max(run[1] for _, runs in blocks for run in runs)
                for left, runs in blocks:
                    x = left
                    for text, run_size, rise in runs:
                        artist = fig.text(
                            x, y + rise / PAGE_HEIGHT, text, fontsize=run_size, family="DejaVu Serif"
                        )
                        x += artist.get_window_extent(renderer=renderer).width / fig.bbox.width
                y -= size * 1.5 / PAGE_HEIGHT
            pdf.savefig(fig)
            plt.close(fig)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A page holding only an image: no text layer."""
    fig = plt.figure(figsize=(8.5, 11))
    fig.figimage([[0.0, 1.0], [1.0, 0.0]], xo=100, yo=100)
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def write_encrypted_pdf(path: Path) -> Path:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        b"ab" * 16,
        b"ab" * 16,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path
