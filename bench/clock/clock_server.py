#!/usr/bin/python3
"""Camera clock for the glass-to-glass benchmark: a live RTSP camera whose every frame carries its own
capture wall-clock time, machine-readable.

Each frame is drawn in Python at the moment it is produced: a mid-grey picture with a moving bar (so the
encoder has something to do) and, in the top 2 x 20 blocks of the frame, 40 black/white bits:
ms since the epoch modulo 2^32 (32 bits, MSB first) and its CRC-8 (poly 0x07, XOR 0x55, 8 bits). The layout and
the checksum are the same as bench/clock/code.ts, which decodes them (in the browser and in the unit test).
Blocks are width/20 pixels wide and as high (32 x 32 at 640 x 360): several macroblocks each, black (16)
or white (235), read at their centre against mid-grey, so H.264 at any sane bitrate keeps them.

The frames go through appsrc -> x264enc tune=zerolatency (GOP given in frames) -> RTSP (shared media,
mount /cam). Prints "READY <port>" once listening.

  /usr/bin/python3 clock_server.py --port 8554 --width 640 --height 360 --fps 25 --gop 25 --bitrate 1000
  /usr/bin/python3 clock_server.py --dump-frame 1764790000123 --width 640 --height 360 > frame.yuv
    (one raw I420 frame with that time, for the unit test)
"""
import argparse
import signal
import sys
import threading
import time

COLS = 20
ROWS = 2
BITS = COLS * ROWS
BLACK = 16
WHITE = 235
GREY = 128


def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc ^ 0x55


def clock_bits(ms):
    v = ms % (1 << 32)
    data = v.to_bytes(4, "big")
    word = (v << 8) | crc8(data)
    return [(word >> (BITS - 1 - i)) & 1 for i in range(BITS)]


class FrameMaker:
    """I420 frames: clock rows on top, grey body with a moving white bar, grey chroma."""

    def __init__(self, width, height):
        if width % COLS or height < 2 * (width // COLS) + 8:
            raise SystemExit("width must be a multiple of %d and height leave room for the clock" % COLS)
        self.w = width
        self.h = height
        self.block = width // COLS
        self.body_h = height - ROWS * self.block
        self.grey_row = bytes([GREY]) * width
        self.chroma = bytes([128]) * (2 * (width // 2) * (height // 2))
        self.black = bytes([BLACK]) * self.block
        self.white = bytes([WHITE]) * self.block
        self.n = 0

    def frame(self, ms):
        bits = clock_bits(ms)
        out = bytearray()
        for r in range(ROWS):
            row = b"".join(self.white if bits[r * COLS + c] else self.black for c in range(COLS))
            out += row * self.block
        # moving vertical bar, 1/16 of the width, one step per frame
        bar_w = self.w // 16
        x = (self.n * 8) % (self.w - bar_w)
        self.n += 1
        body_row = self.grey_row[:x] + bytes([200]) * bar_w + self.grey_row[x + bar_w:]
        out += body_row * self.body_h
        out += self.chroma
        return bytes(out)


def serve(args):
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    launch = (
        "( appsrc name=clk is-live=true do-timestamp=true format=time "
        "caps=video/x-raw,format=I420,width={w},height={h},framerate={fps}/1 "
        "! queue max-size-buffers=2 leaky=downstream "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={br} "
        "! video/x-h264,profile=baseline "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )"
    ).format(w=args.width, h=args.height, fps=args.fps, gop=args.gop, br=args.bitrate)

    state = {"src": None}
    lock = threading.Lock()

    def on_configure(_factory, media):
        src = media.get_element().get_child_by_name("clk")
        with lock:
            state["src"] = src

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)
    factory.connect("media-configure", on_configure)
    server.get_mount_points().add_factory("/cam", factory)

    maker = FrameMaker(args.width, args.height)
    period = 1.0 / args.fps
    stop = threading.Event()

    def producer():
        # frames on a fixed wall-clock schedule; the time in the frame is taken right before it is pushed
        nxt = time.time()
        while not stop.is_set():
            nxt += period
            with lock:
                src = state["src"]
            if src is not None:
                ms = int(time.time() * 1000)
                buf = Gst.Buffer.new_wrapped(maker.frame(ms))
                if src.emit("push-buffer", buf) != Gst.FlowReturn.OK:
                    with lock:
                        if state["src"] is src:
                            state["src"] = None  # media torn down; wait for the next configure
            delay = nxt - time.time()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.time()  # fell behind: drop the schedule, do not burst

    if server.attach(None) == 0:
        print("ERROR cannot bind port %d" % args.port, flush=True)
        sys.exit(2)
    t = threading.Thread(target=producer, daemon=True)
    t.start()
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print("READY %d" % server.get_bound_port(), flush=True)
    loop.run()
    stop.set()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8554)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--gop", type=int, default=0, help="key-frame interval in frames (default: fps = 1 s)")
    p.add_argument("--bitrate", type=int, default=1000, help="kbit/s")
    p.add_argument("--dump-frame", type=int, default=None, help="write one raw I420 frame with this ms time and exit")
    args = p.parse_args()
    args.gop = args.gop or args.fps
    if args.dump_frame is not None:
        sys.stdout.buffer.write(FrameMaker(args.width, args.height).frame(args.dump_frame))
        return
    serve(args)


if __name__ == "__main__":
    main()
