/**
 * Node/V8 flags the server process is started with (package.json `start`, the test and bench launcher
 * test/support/server.ts). Not allowed in NODE_OPTIONS, so they go on the command line; `tsx` passes them on.
 *
 * --initial-old-space-size=128: with V8's default sizing the server's old generation (~35 MB live while
 * analysing 16 cameras) sat just under its limit, and V8 ran one full mark-compact after another instead of
 * young-generation scavenges: 25–30 mark-compacts in 20 s costing ~1 s of main-thread time (bench
 * detect:live, 16 cameras, --trace-gc). With 128 MB to start from: 1 mark-compact and 13 scavenges, ~0.1 s.
 * Costs at most ~90 MB more heap before the first full collection.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];
