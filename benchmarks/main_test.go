package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/lanes-go/lanes/kernels/cpuinfo"
)

// TestMain adds one configuration line to benchmark output, naming the
// microarchitecture (cloud CPUs often have vague brand strings, such as
// "Virtual Turin-like Processor"), so that saved results say what they were
// measured on. benchstat keeps such "key: value" lines as configuration.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		if arch := cpuinfo.CPU().Microarch; arch != "" {
			fmt.Printf("lanes-microarch: %s\n", arch)
		}
	}
	os.Exit(m.Run())
}
