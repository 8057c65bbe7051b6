package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lanes-go/lanes/gd"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) set(d time.Duration) { c.t = time.Unix(1e9, 0).Add(d) }
func newFakeClock() *fakeClock           { c := &fakeClock{}; c.set(0); return c }
func epochProgress(epoch int) gd.Progress {
	return gd.Progress{Step: 10 * epoch, Epoch: epoch, Loss: 1 / float64(epoch+1), ValLoss: math.NaN(), Rate: 0.001, EndOfEpoch: true}
}
func stepProgress(epoch, step int) gd.Progress {
	return gd.Progress{Step: step, Epoch: epoch, Loss: 0.5, ValLoss: math.NaN(), Rate: 0.01}
}

func TestProgressDisabled(t *testing.T) {
	for _, c := range []struct {
		name    string
		enabled bool
		total   int
	}{{"disabled", false, 100}, {"no epochs", true, 0}} {
		var buf bytes.Buffer
		clock := newFakeClock()
		p := newProgressClock(&buf, c.enabled, c.total, clock.now)
		for i := range 100 {
			clock.set(time.Duration(i) * 200 * time.Millisecond)
			p.update(epochProgress(i))
		}
		p.finish()
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q", c.name, buf.String())
		}
	}
	var p *progress // a nil progress does nothing either
	p.update(epochProgress(1))
	p.finish()
}

func TestProgressShortRun(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressClock(&buf, true, 50, clock.now)
	for i := range 50 {
		clock.set(time.Duration(i) * 19 * time.Millisecond) // 0.95 s in all
		p.update(epochProgress(i))
		p.update(stepProgress(i, 10*i+5))
	}
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("a run under a second wrote %q", buf.String())
	}
}

func TestProgressShows(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressClock(&buf, true, 100, clock.now)
	clock.set(999 * time.Millisecond)
	p.update(epochProgress(3))
	if buf.Len() != 0 {
		t.Fatalf("wrote %q before a second", buf.String())
	}

	clock.set(time.Second)
	p.update(epochProgress(4))
	first := buf.String()
	if !strings.Contains(first, "epoch   4/100  loss 0.2  lr 0.001") || !strings.Contains(first, "4%") {
		t.Fatalf("after a second: %q", first)
	}

	// Throttled: nothing within progressInterval.
	clock.set(time.Second + progressInterval - time.Millisecond)
	p.update(epochProgress(5))
	if buf.String() != first {
		t.Fatalf("redrawn within %v: %q", progressInterval, buf.String()[len(first):])
	}

	// Between epochs, the epoch under way, and the validation loss when given.
	clock.set(time.Second + progressInterval)
	g := stepProgress(5, 55)
	p.update(g)
	if s := buf.String()[len(first):]; !strings.Contains(s, "epoch   6/100  loss 0.5  lr 0.01") {
		t.Fatalf("between epochs: %q", s)
	}
	clock.set(2 * time.Second)
	g = epochProgress(9)
	g.ValLoss = 0.125
	p.update(g)
	if s := buf.String(); !strings.Contains(s, "epoch   9/100  loss 0.1  val 0.125  lr 0.001") || !strings.Contains(s, "9%") {
		t.Fatalf("with validation: %q", s)
	}

	// finish clears the line: spaces over the bar, back to its start.
	n := buf.Len()
	p.finish()
	clear := buf.String()[n:]
	if !strings.HasPrefix(clear, "\r") || !strings.HasSuffix(clear, "\r") || strings.TrimSpace(clear) != "" || len(clear) < 40 {
		t.Errorf("finish wrote %q", clear)
	}
	// and the progress is over.
	n = buf.Len()
	clock.set(10 * time.Second)
	p.update(epochProgress(50))
	p.finish()
	if buf.Len() != n {
		t.Errorf("wrote %q after finish", buf.String()[n:])
	}
}

func TestProgressReachesTotal(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressClock(&buf, true, 20, clock.now)
	for i := 1; i <= 20; i++ {
		clock.set(time.Duration(i) * 200 * time.Millisecond)
		p.update(epochProgress(i))
	}
	out := buf.String()
	if !strings.Contains(out, "epoch 19/20") {
		t.Fatalf("no bar: %q", out)
	}
	if !strings.HasSuffix(out, "\r") || strings.TrimSpace(out[strings.LastIndex(out[:len(out)-1], "\r"):]) != "" {
		t.Errorf("the last epoch did not clear the bar: %q", out)
	}
	n := buf.Len()
	p.finish()
	if buf.Len() != n {
		t.Errorf("finish after the last epoch wrote %q", buf.String()[n:])
	}
}

func TestProgressAllocs(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressClock(&buf, true, 100, clock.now)
	g := epochProgress(1)
	if a := testing.AllocsPerRun(100, func() { p.update(g) }); a != 0 {
		t.Errorf("update in the first second: %v allocations", a)
	}
	clock.set(time.Second)
	p.update(g)
	clock.set(time.Second + progressInterval/2)
	if a := testing.AllocsPerRun(100, func() { p.update(g) }); a != 0 {
		t.Errorf("a throttled update: %v allocations", a)
	}
	q := newProgressClock(&buf, false, 100, clock.now)
	if a := testing.AllocsPerRun(100, func() { q.update(g) }); a != 0 {
		t.Errorf("a disabled update: %v allocations", a)
	}
}

// countWriter counts the writes to it.
type countWriter struct {
	bytes.Buffer
	writes int
}

func (w *countWriter) Write(b []byte) (int, error) { w.writes++; return w.Buffer.Write(b) }

// TestProgressOneWrite checks that a redraw reaches the terminal in one
// write, even when the bar draws itself twice.
func TestProgressOneWrite(t *testing.T) {
	var w countWriter
	clock := newFakeClock()
	p := newProgressClock(&w, true, 10, clock.now)
	for i := 1; i <= 10; i++ {
		clock.set(time.Duration(i) * 300 * time.Millisecond)
		before := w.writes
		p.update(epochProgress(i))
		if d := w.writes - before; d > 1 || (i >= 4 && d != 1) {
			t.Errorf("epoch %d: %d writes", i, d)
		}
	}
}

// TestProgressFirstFrame: the first drawing, a second into a long run,
// shows the epoch reached and its percentage, never a stale 0% frame.
func TestProgressFirstFrame(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressClock(&buf, true, 30000, clock.now)
	clock.set(time.Second)
	p.update(epochProgress(19115))
	got := buf.String()
	if strings.Count(got, "epoch") != 1 || strings.Contains(got, " 0%") || !strings.Contains(got, "63%") {
		t.Errorf("first frame %q: want one frame at 63%%", got)
	}
	// A shorter line than the last is padded over it.
	buf.Reset()
	clock.set(2 * time.Second)
	long := epochProgress(19200)
	long.ValLoss = 0.123456
	p.update(long)
	buf.Reset()
	clock.set(3 * time.Second)
	p.update(epochProgress(19300))
	if frame := buf.String(); !strings.HasPrefix(frame, "\r") || !strings.Contains(frame, "   \r") {
		t.Errorf("a shorter frame is not padded over the longer one: %q", frame)
	}
}
