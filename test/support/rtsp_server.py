#!/usr/bin/python3
"""Real RTSP test camera: Debian's GStreamer RTSP server.

Serves an H.264 test pattern with a wall-clock overlay and a fixed GOP (--codec h265: H.265 by x265enc,
a camera whose live stream the server must transcode; --codec mjpeg: Motion JPEG by jpegenc, RTP/JPEG, as
old analogue encoders and cheap IP cameras send it — no GOP, every frame a key frame).
Mounts from --mounts (default: cam); with --user/--password every mount needs basic auth.
Prints "READY <port>" on stdout once listening. Runs until killed.

Usage: /usr/bin/python3 rtsp_server.py --port 8554 [--width 640 --height 360 --fps 10
        --gop 10 --bitrate 800 --codec h264 --user admin --password secret --mounts cam,cam2]
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8554)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--gop", type=int, default=0, help="key-frame interval in frames (default: fps = 1 s)")
    p.add_argument("--bitrate", type=int, default=800, help="kbit/s")
    p.add_argument("--user", default="", help="require basic auth with this user on every mount")
    p.add_argument("--password", default="")
    p.add_argument("--mounts", default="cam", help="comma-separated open mounts")
    p.add_argument("--pattern", default="ball")
    p.add_argument("--codec", default="h264", choices=["h264", "h265", "mjpeg"])
    args = p.parse_args()
    gop = args.gop or args.fps

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    encoders = {
        "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={br} "
        "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1",
        "h265": "x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={br} "
        "! video/x-h265,profile=main ! rtph265pay name=pay0 pt=96 config-interval=1",
        "mjpeg": "videoconvert ! video/x-raw,format=I420 ! jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26",
    }
    launch = (
        "( videotestsrc is-live=true pattern={pattern} "
        "! video/x-raw,width={w},height={h},framerate={fps}/1 "
        "! clockoverlay time-format=\"%Y-%m-%d %H:%M:%S\" font-desc=\"Sans 24\" "
        "! " + encoders[args.codec] + " )"
    ).format(pattern=args.pattern, w=args.width, h=args.height, fps=args.fps, gop=gop, br=args.bitrate)

    mounts = server.get_mount_points()
    factories = []
    for name in [m for m in args.mounts.split(",") if m]:
        f = GstRtspServer.RTSPMediaFactory()
        f.set_launch(launch)
        f.set_shared(True)
        mounts.add_factory("/" + name, f)
        factories.append(f)

    if args.user:
        # every mount needs basic auth (wrong or missing credentials -> 401)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        for f in factories:
            perms = GstRtspServer.RTSPPermissions()
            perms.add_permission_for_role("user", "media.factory.access", True)
            perms.add_permission_for_role("user", "media.factory.construct", True)
            f.set_permissions(perms)

    if server.attach(None) == 0:
        print("ERROR cannot bind port %d" % args.port, flush=True)
        sys.exit(2)
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print("READY %d" % server.get_bound_port(), flush=True)
    loop.run()


if __name__ == "__main__":
    main()
