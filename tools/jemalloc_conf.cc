// jemalloc's options, for the programs linked with it (tools/CMakeLists.txt).
// jemalloc reads this variable at start-up, before MALLOC_CONF, which can
// still override any of them.
//
// thp:always puts the heap in transparent huge pages wherever the kernel
// allows them (transparent_hugepage "always" or "madvise"). Folding the log
// at start-up fills hundreds of MB to GBs of fresh memory, and on virtual
// machines a 4 KiB page fault is expensive: a 1 M-event rebuild in a fresh
// process took 4.2-4.4 s with 4 KiB pages and 3.0-3.4 s with huge pages,
// for ~5 % more resident memory (vigie-bench-projections, round 1).
//
// background_thread:true returns freed memory to the kernel from jemalloc's
// own threads (at most one per core) instead of from the thread that frees.
// A second fold in the same process (as-of states, a rebuild after a failed
// append) then reuses memory better: a 1 M-event rebuild's second round took
// 1.31-1.36 s with it against 1.82-1.92 s without, the first round 2.18 s
// either way, resident memory the same (648-668 vs 649-651 MiB).
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
const char* malloc_conf = "thp:always,metadata_thp:auto,background_thread:true";
}
