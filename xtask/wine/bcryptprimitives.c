/*
 * Test shim for `cargo xtask dist-check` only: never shipped.
 *
 * Rust's standard library on Windows (1.78 and later) draws its random numbers (HashMap seeds)
 * from ProcessPrng in bcryptprimitives.dll, which every supported Windows (10, 11, Server 2016
 * and later) has, but Debian bookworm's Wine 8.0 does not. dist-check compiles this file with
 * MinGW into the Wine prefix's system32 (not next to the .exe, not into dist/), so that the
 * shipped .exe runs unchanged under Wine. It forwards to RtlGenRandom (advapi32's
 * SystemFunction036), the system's generator.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
