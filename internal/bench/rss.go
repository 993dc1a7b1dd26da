package bench

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used: on a
// machine shared with other work, the part of a workload's cost that does
// not depend on how much CPU the others took.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs fn and returns how long it took and the process's peak
// RSS while it ran: VmHWM after returning the free heap to the system and
// resetting it (writing 5 to
// /proc/self/clear_refs, Linux 4.0 and later); where that cannot be reset,
// the peak since the process started.
func measure(fn func() error) (time.Duration, uint64, error) {
	d, peak, _, err := measureFrom(fn)
	return d, peak, err
}

// measureFrom is measure that also returns the RSS the process started
// fn from (VmRSS after the reset): what it held before the workload, which
// the peak includes.
func measureFrom(fn func() error) (d time.Duration, peak, base uint64, err error) {
	debug.FreeOSMemory() // what earlier workloads left in the heap is not this one's
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	base = procStatus("VmRSS:")
	start := time.Now()
	err = fn()
	return time.Since(start), peakRSS(), base, err
}

// peakRSS is VmHWM from /proc/self/status in bytes, 0 where there is none.
func peakRSS() uint64 { return procStatus("VmHWM:") }

// procStatus is a size line (key "VmHWM:") of /proc/self/status in bytes,
// 0 where there is none.
func procStatus(key string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
