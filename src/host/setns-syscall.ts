// setns(2) has a different number on every architecture, and Perl (our in-process reader) only knows
// numbers. A sh fragment that sets $nr from `uname -m`, or leaves it empty where we do not know it (the
// callers then take the slower way that needs no syscall numbers).

export const SETNS_SYSCALL_SH = `case $(uname -m) in
  x86_64) nr=308 ;;
  aarch64|arm64|riscv64|loongarch64) nr=268 ;;
  armv*|arm) nr=375 ;;
  i386|i486|i586|i686) nr=346 ;;
  ppc|ppc64|ppc64le) nr=350 ;;
  s390x) nr=339 ;;
  *) nr= ;;
esac`;
