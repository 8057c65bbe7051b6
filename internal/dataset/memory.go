package dataset

import (
	"bytes"
	"math"
	"os"
	"strconv"
)

// MemAvailable returns an estimate in bytes of the memory available for
// new work without swapping, and false where it is unknown. On Linux it
// is MemAvailable of /proc/meminfo, lowered to the memory limit of the
// process's control group when one is set (in a container the host's
// free memory is not the container's); elsewhere it is unknown.
func MemAvailable() (int64, bool) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	avail, ok := parseMemInfo(b)
	if !ok {
		return 0, false
	}
	for _, limitFile := range []string{
		"/sys/fs/cgroup/memory.max",                   // cgroup v2, as a container sees it
		"/sys/fs/cgroup/memory/memory.limit_in_bytes", // cgroup v1
	} {
		if b, err := os.ReadFile(limitFile); err == nil {
			if limit, ok := parseCgroupLimit(b); ok {
				avail = min(avail, limit)
			}
		}
	}
	return avail, true
}

// parseMemInfo returns the MemAvailable line of /proc/meminfo's text
// ("MemAvailable:   24213248 kB") in bytes.
func parseMemInfo(b []byte) (int64, bool) {
	for line := range bytes.Lines(b) {
		rest, found := bytes.CutPrefix(line, []byte("MemAvailable:"))
		if !found {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || kb < 0 || kb > math.MaxInt64/1024 {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// parseCgroupLimit reads a control group's memory limit in bytes: false
// for none ("max" in v2; v1 writes a number near 2^63 instead).
func parseCgroupLimit(b []byte) (int64, bool) {
	limit, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || limit <= 0 || limit >= math.MaxInt64/2 {
		return 0, false
	}
	return limit, true
}
