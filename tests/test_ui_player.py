"""The preview player on real clips: Qt Multimedia (checked through its QVideoSink) and the
frame preview fallback (checked against the engine's exact frames). Driven by signals."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from studio.editor.frames import FrameGrabber, FrameImage
from studio.ui.player import Player

# No Python Qt message handler here: QtMultimedia logs from its own threads while the GUI
# thread holds the GIL inside blocking QMediaPlayer calls, and pytest-qt's handler would then
# wait for the GIL for ever (a deadlock seen on this machine; see Player._sync_audio).
pytestmark = pytest.mark.no_qt_log

US = 1_000_000
FRAME_30 = US / 30
CLIP_30 = 31 * US  # clip_vertical: 360x640, 30 fps, 31 s
WAIT = 10_000  # ms


def rgb_of(image: QImage) -> np.ndarray:
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    rows = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return rows[:, : w * 3].reshape(h, w, 3).copy()


def diff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.fixture
def grabber():
    with FrameGrabber() as g:
        yield g


@pytest.fixture
def make_player(qtbot):
    def make(use_multimedia: bool | None = None) -> Player:
        player = Player(use_multimedia=use_multimedia)
        qtbot.addWidget(player)
        player.resize(360, 700)
        player.show()
        return player

    return make


def load(qtbot, player: Player, path: Path, duration_us: int = CLIP_30,
         frame_us: float = FRAME_30) -> None:
    with qtbot.waitSignal(player.frameShown, timeout=WAIT, check_params_cb=lambda s: s == 0):
        player.load(str(path), duration_us, frame_us)


def go(qtbot, player: Player, action, start_us: int) -> None:
    """Run ``action`` and wait until the frame starting at ``start_us`` is on screen."""
    with qtbot.waitSignal(player.frameShown, timeout=WAIT,
                          check_params_cb=lambda s: abs(s - start_us) <= 1):
        action()


# Qt Multimedia --------------------------------------------------------------------------


def test_backend_is_available_here(qapp):
    assert Player.backend_problem() is None


@pytest.fixture
def media_player(make_player, qtbot, clip_vertical):
    player = make_player()
    assert player.uses_multimedia()
    load(qtbot, player, clip_vertical)
    return player


def shown(player: Player) -> tuple[int, np.ndarray]:
    frame = player.video_sink().videoFrame()
    assert frame.isValid()
    return frame.startTime(), rgb_of(frame.toImage())


def test_multimedia_seek_shows_the_engine_frame(qtbot, media_player, clip_vertical, grabber):
    # 5.0 s is a frame's exact start where QMediaPlayer, asked for 5000 ms, shows the frame
    # before; 12.345 s is inside a frame; 30.99 s is in the last one.
    for t in (5 * US, 12_345_000, 30_990_000, 0):
        want = grabber.frame_at(clip_vertical, t)
        go(qtbot, media_player, lambda t=t: media_player.seek(t), want.start_us)
        start, rgb = shown(media_player)
        assert abs(start - want.start_us) <= 1
        assert diff(rgb, want.rgb) < 3  # the same picture, give or take YUV->RGB rounding
        assert media_player.position_us() == t


def test_multimedia_steps_by_exact_frames(qtbot, media_player, clip_vertical, grabber):
    f = grabber.frame_at(clip_vertical, 10 * US)
    go(qtbot, media_player, lambda: media_player.seek(f.start_us), f.start_us)
    for _ in range(3):
        nxt = grabber.next_frame(clip_vertical, f)
        assert nxt is not None
        go(qtbot, media_player, lambda: media_player.step(1), nxt.start_us)
        assert diff(shown(media_player)[1], nxt.rgb) < 3
        assert media_player.position_us() == nxt.start_us
        f = nxt
    back = grabber.frame_at(clip_vertical, f.start_us - 3 * round(FRAME_30))
    go(qtbot, media_player, lambda: media_player.step(-3), back.start_us)
    assert diff(shown(media_player)[1], back.rgb) < 3


def test_multimedia_play_range_stops_at_the_out_point(qtbot, media_player, clip_vertical,
                                                     grabber):
    in_us, out_us = 2 * US, 3 * US
    last = grabber.frame_at(clip_vertical, out_us - 1)  # the last frame in [in, out)
    go(qtbot, media_player, lambda: media_player.seek(10 * US), 10 * US)  # past the range
    positions: list[int] = []
    media_player.positionChanged.connect(positions.append)
    media_player.set_range(in_us, out_us)
    with qtbot.waitSignal(media_player.playingChanged, timeout=WAIT,
                          check_params_cb=lambda playing: playing):
        media_player.play_range()
    assert media_player.is_playing()
    with qtbot.waitSignal(media_player.playingChanged, timeout=WAIT,
                          check_params_cb=lambda playing: not playing):
        pass
    go(qtbot, media_player, lambda: None, last.start_us)
    start, rgb = shown(media_player)
    assert abs(start - last.start_us) <= 1
    assert diff(rgb, last.rgb) < 3
    assert out_us - 2 * FRAME_30 <= media_player.position_us() < out_us
    # throttled: one second of playing reports about 30 positions, never one per µs
    assert 5 <= len(positions) <= 45
    assert all(in_us - FRAME_30 <= p < out_us for p in positions[1:])


def test_multimedia_shuttle_backwards_and_speed(qtbot, media_player, clip_vertical, grabber):
    go(qtbot, media_player, lambda: media_player.seek(3 * US), 3 * US)
    speeds: list[float] = []
    media_player.speedChanged.connect(speeds.append)
    with qtbot.waitSignal(media_player.positionChanged, timeout=WAIT,
                          check_params_cb=lambda t: t < 2_700_000):
        media_player.shuttle(-1)  # J: QMediaPlayer cannot, so paused seeks on a timer
        assert media_player.is_playing() and media_player.speed() == -1.0
    media_player.shuttle(0)
    assert not media_player.is_playing()
    want = grabber.frame_at(clip_vertical, media_player.position_us())
    go(qtbot, media_player, lambda: None, want.start_us)  # K lands on an exact frame
    assert diff(shown(media_player)[1], want.rgb) < 3
    media_player.shuttle(1)
    media_player.shuttle(1)
    media_player.shuttle(1)
    media_player.shuttle(1)
    media_player.shuttle(1)
    assert media_player.speed() == 8.0  # 1x, 2x, 4x, 8x, then it stays at 8x
    media_player.shuttle(0)
    assert speeds == [-1.0, 1.0, 2.0, 4.0, 8.0, 1.0]
    assert not media_player.is_playing()


# frame preview (fallback) -----------------------------------------------------------------


@pytest.fixture
def frame_player(make_player, qtbot, clip_vertical):
    player = make_player(use_multimedia=False)
    assert not player.uses_multimedia() and player.video_sink() is None
    load(qtbot, player, clip_vertical)
    return player


def on_screen(player: Player) -> np.ndarray:
    image = player.displayed_image()
    assert image is not None
    return rgb_of(image)


def test_forced_fallback_says_why(qtbot, make_player, clip_vertical):
    player = make_player(use_multimedia=False)
    with qtbot.waitSignal(player.statusMessage, timeout=WAIT) as status:
        player.load(str(clip_vertical), CLIP_30, FRAME_30)
    assert "Qt Multimedia" in status.args[0]
    assert player.fallback_reason() == status.args[0]


def test_fallback_seek_shows_exactly_the_engine_frame(qtbot, frame_player, clip_vertical,
                                                      grabber):
    for t in (5 * US, 12_345_000, 30_990_000, 1):
        want = grabber.frame_at(clip_vertical, t)
        go(qtbot, frame_player, lambda t=t: frame_player.seek(t), want.start_us)
        assert np.array_equal(on_screen(frame_player), want.rgb)
        assert frame_player.position_us() == t


def test_rapid_seeks_end_on_the_last_one(qtbot, frame_player, clip_vertical, grabber):
    landed: list[int] = []
    frame_player.frameShown.connect(landed.append)
    times = [i * 1_234_567 for i in range(1, 21)]
    want = grabber.frame_at(clip_vertical, times[-1])
    with qtbot.waitSignal(frame_player.frameShown, timeout=WAIT):
        for t in times:
            frame_player.seek(t)
    qtbot.wait(300)  # nothing older may arrive afterwards
    assert landed == [want.start_us]
    assert np.array_equal(on_screen(frame_player), want.rgb)
    assert frame_player.position_us() == times[-1]


def walk(grabber: FrameGrabber, path: Path, f: FrameImage, n: int) -> FrameImage:
    for _ in range(abs(n)):
        nxt = grabber.next_frame(path, f) if n > 0 else grabber.prev_frame(path, f)
        assert nxt is not None
        f = nxt
    return f


def test_fallback_steps_walk_frames_exactly_on_vfr(qtbot, make_player, clip_vfr, grabber):
    player = make_player(use_multimedia=False)
    load(qtbot, player, clip_vfr, 4 * US)
    f = grabber.frame_at(clip_vfr, 1_900_000)  # 30 fps here, 15 fps from 2 s on
    go(qtbot, player, lambda: player.seek(1_900_000), f.start_us)
    for n in (1, 1, 1, 1, -1, -1, 1):
        f = walk(grabber, clip_vfr, f, n)
        go(qtbot, player, lambda n=n: player.step(n), f.start_us)
        assert np.array_equal(on_screen(player), f.rgb)
        assert player.position_us() == f.start_us


def test_quick_steps_add_up(qtbot, frame_player, clip_vertical, grabber):
    f = grabber.frame_at(clip_vertical, 7 * US)
    go(qtbot, frame_player, lambda: frame_player.seek(7 * US), f.start_us)
    want = walk(grabber, clip_vertical, f, 4)

    def steps() -> None:
        for n in (1, 1, 1, -1, 1, 1):
            frame_player.step(n)

    go(qtbot, frame_player, steps, want.start_us)
    assert np.array_equal(on_screen(frame_player), want.rgb)


def test_unload_while_a_frame_is_on_its_way(qtbot, frame_player):
    landed: list[int] = []
    frame_player.frameShown.connect(landed.append)
    frame_player.seek(20 * US)
    frame_player.unload()
    qtbot.wait(500)
    assert landed == []
    assert frame_player.displayed_image() is None
    assert frame_player.position_us() == 0
    frame_player.step(1)  # nothing loaded: ignored
    frame_player.play()
    assert not frame_player.is_playing()


def test_loading_another_clip_never_shows_the_old_one(qtbot, frame_player, clip_landscape,
                                                       grabber):
    landed: list[int] = []
    frame_player.frameShown.connect(landed.append)
    frame_player.seek(25 * US)  # still decoding when the other clip comes
    load(qtbot, frame_player, clip_landscape, 31 * US, US / 24)
    qtbot.wait(300)
    assert landed == [0]
    assert np.array_equal(on_screen(frame_player), grabber.frame_at(clip_landscape, 0).rgb)


def test_fallback_plays_and_shuttles(qtbot, frame_player):
    with qtbot.waitSignal(frame_player.playingChanged, timeout=WAIT):
        frame_player.toggle_play()
    with qtbot.waitSignal(frame_player.positionChanged, timeout=WAIT,
                          check_params_cb=lambda t: t > 400_000):
        pass
    frame_player.shuttle(-1)  # J while playing forwards: backwards at 1x
    assert frame_player.speed() == -1.0 and frame_player.is_playing()
    at = frame_player.position_us()
    with qtbot.waitSignal(frame_player.positionChanged, timeout=WAIT,
                          check_params_cb=lambda t: t < at - 100_000):
        pass
    frame_player.shuttle(0)
    assert not frame_player.is_playing() and frame_player.speed() == 1.0


def test_fallback_play_range_stops_on_the_last_frame(qtbot, frame_player, clip_vertical,
                                                     grabber):
    last = grabber.frame_at(clip_vertical, 1_500_000 - 1)
    frame_player.set_range(1 * US, 1_500_000)
    with qtbot.waitSignal(frame_player.playingChanged, timeout=WAIT,
                          check_params_cb=lambda playing: not playing):
        frame_player.play_range()
    go(qtbot, frame_player, lambda: None, last.start_us)
    assert np.array_equal(on_screen(frame_player), last.rgb)


def test_grab_shows_the_frame_and_transport(qtbot, frame_player, tmp_path):
    frame_player.resize(420, 760)
    go(qtbot, frame_player, lambda: frame_player.seek(10 * US), 10 * US)
    shot = frame_player.grab().toImage()
    assert shot.save(str(tmp_path / "player.png"))
    centre = shot.pixelColor(shot.width() // 2, shot.height() // 3)
    assert centre.value() > 0  # the picture, not the black background
    assert frame_player._time.text().startswith("00:00:10:00 / 00:00:31:00")


@pytest.mark.parametrize("use_multimedia", [False, None], ids=["frames", "multimedia"])
def test_a_file_that_is_not_a_video_is_explained(qtbot, make_player, file_text, use_multimedia):
    player = make_player(use_multimedia)
    with qtbot.waitSignal(player.statusMessage, timeout=WAIT,
                          check_params_cb=lambda m: "is not a video file" in m):
        player.load(str(file_text), 5 * US, FRAME_30)
    player.step(1)
    player.seek(US)
    qtbot.wait(200)
    assert player.displayed_image() is None


def test_shuttle_backwards_at_the_start_does_nothing(frame_player):
    frame_player.shuttle(-1)
    assert not frame_player.is_playing() and frame_player.position_us() == 0


def test_closing_stops_the_worker_thread(qtbot, clip_vertical):
    for use_multimedia in (False, None):
        before = set(threading.enumerate())
        player = Player(use_multimedia=use_multimedia)
        qtbot.addWidget(player)
        load(qtbot, player, clip_vertical)
        player.seek(15 * US)  # in flight while closing
        workers = [t for t in threading.enumerate()
                   if t not in before and t.name == "player-frames"]
        assert len(workers) == 1
        player.close()
        assert not workers[0].is_alive()
