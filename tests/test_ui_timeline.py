"""The trim timeline, driven like a creator would: real widget, real events, real media."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from studio.editor.keyframes import PacketIndex
from studio.editor.probe import probe
from studio.editor.thumbnails import DiskCache, Thumbnailer
from studio.editor.waveform import waveform
from studio.ui.images import to_qimage
from studio.ui.timeline import WAVE, TrimTimeline

US = 1_000_000
FD24 = US / 24  # 41666.67 µs: frame k starts at ceil(k * FD24), like the engine's frame times


def frame24(k: int) -> int:
    return math.ceil(k * Fraction(US, 24))


@pytest.fixture
def timeline(qtbot):
    w = TrimTimeline()
    qtbot.addWidget(w)
    w.resize(900, 160)
    w.set_media(31 * US, FD24)
    w.show()
    qtbot.waitExposed(w)
    return w


def film_y(w: TrimTimeline) -> int:
    return w.rows().film.center().y()


def drag(qtbot, w: TrimTimeline, x0: float, x1: float, y: int, steps: int = 6) -> None:
    qtbot.mousePress(w, Qt.MouseButton.LeftButton, pos=QPoint(round(x0), y))
    for i in range(1, steps + 1):
        qtbot.mouseMove(w, QPoint(round(x0 + (x1 - x0) * i / steps), y))
    qtbot.mouseRelease(w, Qt.MouseButton.LeftButton, pos=QPoint(round(x1), y))


def record(signal) -> list[tuple]:
    got: list[tuple] = []
    signal.connect(lambda *args: got.append(args))
    return got


def wheel(w: TrimTimeline, x: float, delta: int, mods=Qt.KeyboardModifier.NoModifier) -> None:
    pos = QPointF(x, film_y(w))
    event = QWheelEvent(pos, w.mapToGlobal(pos), QPoint(), QPoint(0, delta),
                        Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(w, event)


def test_dragging_out_snaps_to_a_frame_and_commits_once(qtbot, timeline):
    edits, previews = record(timeline.trimEdited), record(timeline.trimPreview)
    x_out = timeline.x_for_time(31 * US)
    target = timeline.x_for_time(20.3 * US)
    drag(qtbot, timeline, x_out - 2, target - 2, film_y(timeline))
    assert len(edits) == 1
    start, out = edits[0]
    assert start == 0
    k = round(out / FD24)
    assert out == frame24(k)  # on a frame boundary, in the engine's rounding
    assert abs(out - 20.3 * US) <= US * 31 / 876 + FD24  # within a pixel and a frame
    assert len(previews) >= 2 and previews[-1] == edits[0]
    assert timeline.trim() == edits[0]


def test_a_click_without_moving_a_handle_is_not_an_edit(qtbot, timeline):
    edits = record(timeline.trimEdited)
    x = round(timeline.x_for_time(31 * US)) - 2
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, film_y(timeline)))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, film_y(timeline)))
    assert edits == []


def test_in_cannot_reach_out(qtbot, timeline):
    timeline.set_trim(frame24(48), frame24(72))
    edits = record(timeline.trimEdited)
    x_in = timeline.x_for_time(frame24(48))
    drag(qtbot, timeline, x_in + 2, timeline.x_for_time(25 * US), film_y(timeline))
    assert edits == [(frame24(71), frame24(72))]  # one frame is always kept
    x_out = timeline.x_for_time(frame24(72))
    drag(qtbot, timeline, x_out + 30, x_out - 400, film_y(timeline))  # grabs nothing: a seek
    assert len(edits) == 1


def test_clicking_the_ruler_seeks_to_the_time_under_the_mouse(qtbot, timeline):
    timeline.set_zoom(6.0, 450)
    seeks, moves = record(timeline.seekRequested), record(timeline.playheadMoved)
    x = 377
    under = timeline.time_at_x(x)
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 8))
    assert len(seeks) == 1
    (t,) = seeks[0]
    assert 0 <= under - t < FD24  # the frame on screen at that time
    assert t == frame24(round(t / FD24))
    assert moves == seeks and timeline.playhead() == t


def test_arrow_keys_step_frames_and_seconds(qtbot, timeline):
    seeks = record(timeline.seekRequested)
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.playhead() == frame24(1) == 41667
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.playhead() == frame24(2) == 83334
    qtbot.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.playhead() == frame24(26)
    qtbot.keyClick(timeline, Qt.Key.Key_Left)
    assert timeline.playhead() == frame24(25)
    qtbot.keyClick(timeline, Qt.Key.Key_End)
    assert timeline.playhead() == frame24(743)  # the last frame of 31 s at 24 fps
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.playhead() == frame24(743)
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    assert timeline.playhead() == 0
    assert [s[0] for s in seeks][:3] == [41667, 83334, frame24(26)]


def test_i_and_o_mark_at_the_playhead(qtbot, timeline):
    edits = record(timeline.trimEdited)
    timeline.setFocus()
    timeline.set_playhead(frame24(50) + 5)  # inside frame 50
    qtbot.keyClick(timeline, Qt.Key.Key_I)
    assert edits[-1] == (frame24(50), 31 * US)
    timeline.set_playhead(frame24(100))
    qtbot.keyClick(timeline, Qt.Key.Key_O)
    assert edits[-1] == (frame24(50), frame24(101))  # the frame under the playhead is kept
    qtbot.keyClick(timeline, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.playhead() == frame24(50)
    qtbot.keyClick(timeline, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.playhead() == frame24(100)
    timeline.set_playhead(frame24(20))
    timeline.set_out_at_playhead()  # before the in point: the in point is cleared
    assert edits[-1] == (0, frame24(21))
    assert len(edits) == 3


def test_variable_frame_rate_snaps_to_the_given_frame_times(qtbot, timeline):
    times = [i * 33_334 for i in range(60)] + [2_000_000 + i * 66_667 for i in range(30)]
    timeline.set_media(4 * US, None)
    timeline.set_frame_times(times)
    edits = record(timeline.trimEdited)
    drag(qtbot, timeline, timeline.x_for_time(4 * US) - 2,
         timeline.x_for_time(3.01 * US), film_y(timeline))
    assert edits and edits[-1][1] in times
    timeline.set_playhead(times[59])
    timeline.step_frames(1)
    assert timeline.playhead() == times[60]


def test_ctrl_wheel_zooms_around_the_mouse_and_wheel_scrolls(qtbot, timeline):
    x = 311.0
    before = timeline.time_at_x(x)
    wheel(timeline, x, 120, Qt.KeyboardModifier.ControlModifier)
    wheel(timeline, x, 240, Qt.KeyboardModifier.ControlModifier)
    assert timeline.zoom_factor() == pytest.approx(1.25 ** 3)
    assert abs(timeline.time_at_x(x) - before) <= 1
    offset = timeline.scroll_offset_us()
    wheel(timeline, x, -120)  # plain wheel: scroll later
    assert timeline.scroll_offset_us() > offset
    wheel(timeline, x, 120, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.scroll_offset_us() == pytest.approx(offset, abs=1)
    timeline.zoom_to_fit()
    assert timeline.zoom_factor() == 1 and timeline.scroll_offset_us() == 0


def solid(color: str, w: int = 96, h: int = 54) -> QImage:
    img = QImage(w, h, QImage.Format.Format_RGB888)
    img.fill(QColor(color))
    return img


def long_timeline(qtbot) -> TrimTimeline:
    w = TrimTimeline()
    qtbot.addWidget(w)
    w.resize(1000, 170)
    minutes = 20 * 60 * US
    w.set_media(minutes, US / 30)
    w.set_keyframes([i * 2 * US for i in range(600)])
    w.set_filmstrip([(i * 10 * US, solid("#c03080" if i % 2 else "#30a040")) for i in range(120)])
    peaks = np.zeros(120_000, np.float32)
    peaks[:60_000] = 1.0  # loud first half, silent second half
    w.set_waveform(peaks, 100)
    w.set_trim(5 * 60 * US, 15 * 60 * US)
    w.set_playhead(10 * 60 * US)
    w.show()
    qtbot.waitExposed(w)
    return w


def rgb(img: QImage, x: float, y: int) -> tuple[int, int, int]:
    c = img.pixelColor(round(x), y)
    return c.red(), c.green(), c.blue()


def test_a_long_clip_paints_fast_and_in_the_right_places(qtbot):
    w = long_timeline(qtbot)
    start = time.perf_counter()
    img = w.grab().toImage()
    first = time.perf_counter() - start
    assert len({img.pixel(x, y) for x in range(0, img.width(), 7)
                for y in range(0, img.height(), 5)}) > 8  # not blank
    rows, minute = w.rows(), 60 * US
    mid, top = rows.wave.center().y(), rows.wave.top() + 4
    base = w.palette().base().color()
    wave = (WAVE.red(), WAVE.green(), WAVE.blue())
    assert rgb(img, w.x_for_time(7.5 * minute), mid) == wave  # kept and loud
    assert rgb(img, w.x_for_time(7.5 * minute), top) == wave  # loud fills the row
    dimmed_loud = rgb(img, w.x_for_time(2.5 * minute), top)
    assert sum(abs(a - b) for a, b in zip(dimmed_loud, wave, strict=True)) > 60
    silent = (base.red(), base.green(), base.blue())
    assert rgb(img, w.x_for_time(12.5 * minute), top) == silent  # kept and silent
    assert rgb(img, w.x_for_time(17.5 * minute), top) != silent  # dimmed
    assert rgb(img, w.x_for_time(12.5 * minute), mid) == wave  # silence: a centre line
    film = rows.film.center().y()
    assert rgb(img, w.x_for_time(7.5 * minute), film) != rgb(img, w.x_for_time(2.5 * minute), film)
    start = time.perf_counter()
    for factor in (4, 40, 400, 4000):
        w.set_zoom(factor, 500)
        zoomed = w.grab().toImage()
        assert not zoomed.isNull()
    w.set_scroll_offset(12 * minute)
    w.grab()
    assert first < 2 and time.perf_counter() - start < 4


def light_palette() -> QPalette:
    return QApplication.style().standardPalette()


def dark_palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2e", QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1e21", QPalette.ColorRole.AlternateBase: "#27272b",
        QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#35353a",
        QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.Mid: "#4a4a50",
        QPalette.ColorRole.Highlight: "#3d7bd9", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#35353a", QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#9a9aa0",
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    return pal


def test_screenshots_of_a_real_clip(qtbot, tmp_path, clip_landscape):
    info = probe(clip_landscape)
    assert info.frame_rate is not None
    cache = DiskCache(tmp_path / "thumbs")
    with PacketIndex() as index:
        keys = [k.time_us for k in index.keyframes_between(clip_landscape, 0, info.duration)]
        reordering = index.has_reordering(clip_landscape)
    strip = Thumbnailer(cache).filmstrip(clip_landscape, 40, 72)
    peaks = waveform(clip_landscape, 100, cache=cache)
    w = TrimTimeline()
    qtbot.addWidget(w)
    w.resize(960, 170)
    w.set_media(info.duration, US / float(info.frame_rate))
    w.set_keyframes(keys)
    w.set_reordering(reordering)
    w.set_filmstrip([(t.time_us, to_qimage(t.rgb)) for t in strip])
    w.set_waveform(peaks, 100)
    w.set_trim(frame24(84), 24 * US)  # in between keyframes (3.5 s), out on one
    w.set_playhead(12 * US)
    w.show()
    qtbot.waitExposed(w)
    saved = QApplication.palette()
    try:
        for name, palette in (("light", light_palette()), ("dark", dark_palette())):
            QApplication.setPalette(palette)
            QApplication.processEvents()  # the palette change reaches widgets as an event
            assert w.palette().window().color() == palette.window().color()
            img = w.grab().toImage()
            assert img.save(f"/tmp/timeline_{name}.png")
            x_in = w.x_for_time(frame24(84))
            handle = img.pixelColor(round(x_in), w.rows().film.top() + 30)
            assert handle.red() > handle.blue()  # amber: a smart cut is needed at the in point
        w.set_zoom(60, w.x_for_time(12 * US))
        assert w.grab().toImage().save("/tmp/timeline_zoomed.png")
    finally:
        QApplication.setPalette(saved)
        QApplication.processEvents()
    tip = w._handle_tip("in")
    assert "Between keyframes" in tip and "Shift+I" in tip
    assert "On a keyframe" in w._handle_tip("out")


def test_focused_timeline_keeps_its_keys_from_window_shortcuts(qtbot):
    from PySide6.QtGui import QKeySequence, QShortcut
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    w = TrimTimeline()
    QVBoxLayout(window).addWidget(w)
    w.set_media(10 * US, 40_000)
    fired = []
    QShortcut(QKeySequence("Right"), window).activated.connect(lambda: fired.append(1))
    window.show()
    qtbot.waitExposed(window)
    w.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert w.playhead() == 40_000 and fired == []
    assert w.accessibleName() == "Trim timeline"


def test_hovering_a_handle_highlights_it_and_tells_its_timecode(qtbot, timeline):
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    timeline.set_keyframes([0, 2 * US, 4 * US])
    timeline.set_trim(2 * US, frame24(100))
    tracks = timeline.rows().film.united(timeline.rows().wave)
    x_in, y = round(timeline.x_for_time(2 * US)) + 5, tracks.center().y()  # on the grip tab
    plain = timeline.grab().toImage().pixelColor(x_in, y)
    qtbot.mouseMove(timeline, QPoint(x_in, y))
    assert timeline.grab().toImage().pixelColor(x_in, y) != plain  # highlighted
    pos = QPoint(x_in, y)
    QApplication.sendEvent(timeline, QHelpEvent(QHelpEvent.Type.ToolTip, pos,
                                                timeline.mapToGlobal(pos)))
    assert "00:00:02.000" in QToolTip.text() and "On a keyframe" in QToolTip.text()
    pos = QPoint(round(timeline.x_for_time(frame24(100))) - 3, y)
    QApplication.sendEvent(timeline, QHelpEvent(QHelpEvent.Type.ToolTip, pos,
                                                timeline.mapToGlobal(pos)))
    assert "Between keyframes" in QToolTip.text() and "Shift+O" in QToolTip.text()
    QToolTip.hideText()
