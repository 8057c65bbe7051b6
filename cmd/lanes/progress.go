package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"time"
	"unicode/utf8"

	"github.com/lanes-go/lanes/gd"
	"github.com/schollz/progressbar/v3"
)

// When the bar shows, and how often it is redrawn.
const (
	progressDelay    = time.Second            // nothing shows before
	progressInterval = 100 * time.Millisecond // between redraws
	progressBarWidth = 24                     // shrunk to fit a narrow terminal
)

// progress shows a bar on stderr for runs longer than about a second:
// epoch N/M, loss (and validation loss), learning rate, elapsed time and
// ETA. It is created for every run; when disabled (stderr not a terminal,
// or --quiet) its methods do nothing. It is not safe for concurrent use:
// the training callback and finish run on one goroutine.
type progress struct {
	bar   *progressbar.ProgressBar // nil when disabled
	w     io.Writer                // stderr
	buf   bytes.Buffer             // what the bar draws, written to w at once
	total int                      // epochs
	now   func() time.Time         // the clock, replaced by tests
	start time.Time                // when the run started
	last  time.Time                // the last redraw
	shown bool                     // whether the bar has been drawn
	width int                      // runes in the line last written
	done  bool                     // after finish
}

// newProgress returns the progress display of a run of totalEpochs
// epochs, writing to w (stderr). A run of less than one epoch, or of an
// unknown number, shows no bar.
func newProgress(w io.Writer, enabled bool, totalEpochs int) *progress {
	return newProgressClock(w, enabled, totalEpochs, time.Now)
}

// newProgressClock is newProgress with the clock now, for tests.
func newProgressClock(w io.Writer, enabled bool, totalEpochs int, now func() time.Time) *progress {
	p := &progress{w: w, total: totalEpochs, now: now}
	p.start = now()
	if !enabled || totalEpochs < 1 {
		return p
	}
	p.bar = progressbar.NewOptions(totalEpochs,
		progressbar.OptionSetWriter(&p.buf),
		progressbar.OptionSetWidth(progressBarWidth),
		progressbar.OptionSetPredictTime(true), // [elapsed:ETA]
		progressbar.OptionThrottle(0),          // update throttles
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(false),
	)
	// Start the bar's own clock, which times its ETA, with the run, without
	// drawing anything.
	p.bar.StartWithoutRender()
	return p
}

// update is called from the training callback (gd.Progress) after every
// epoch and possibly between. It is cheap: it draws nothing during the
// first second (a short run prints no bar at all), and after it redraws
// at most every progressInterval; a call that does not redraw does not
// allocate.
func (p *progress) update(gp gd.Progress) {
	if p == nil || p.bar == nil || p.done {
		return
	}
	t := p.now()
	if t.Sub(p.start) < progressDelay || (p.shown && t.Sub(p.last) < progressInterval) {
		return
	}
	p.last, p.shown = t, true
	done := min(max(gp.Epoch, 0), p.total)
	// The bar counts the completed epochs; between epochs the description
	// names the one under way.
	epoch := done
	if !gp.EndOfEpoch {
		epoch = min(done+1, p.total)
	}
	// Describe draws the bar; Set64 draws it again if its percentage
	// changed, or clears it on reaching the total. The drawings are
	// collected in buf and written at once, so the terminal never shows the
	// first.
	p.bar.Describe(p.describe(epoch, gp))
	p.bar.Set64(int64(done))
	p.flush()
}

// flush writes the bar's last drawing to w. An update makes the bar draw
// twice (the new description over the old count, then the new count),
// and a log of the terminal would show the first, stale frame ("epoch
// 19115/30000 … 0%"): only the text after the last carriage return is
// written, padded with spaces over what is left of the longer line
// before. Errors are ignored: the progress display is a courtesy, and a
// broken stderr must not stop training.
func (p *progress) flush() {
	if p.buf.Len() == 0 {
		return
	}
	frame := p.buf.Bytes()
	if i := bytes.LastIndexByte(frame, '\r'); i >= 0 {
		frame = frame[i+1:]
	}
	width := utf8.RuneCount(frame)
	out := append([]byte{'\r'}, frame...)
	if pad := p.width - width; pad > 0 {
		out = append(out, bytes.Repeat([]byte{' '}, pad)...)
		out = append(out, '\r')
		out = append(out, frame...)
	}
	p.w.Write(out)
	p.width = width
	p.buf.Reset()
}

// describe returns the text before the bar:
// "epoch  12/100  loss 0.01234  val 0.01301  lr 0.001 ".
func (p *progress) describe(epoch int, gp gd.Progress) string {
	width := len(fmt.Sprint(p.total))
	s := fmt.Sprintf("epoch %*d/%d  loss %.4g", width, epoch, p.total, gp.Loss)
	if !math.IsNaN(gp.ValLoss) {
		s += fmt.Sprintf("  val %.4g", gp.ValLoss)
	}
	return s + fmt.Sprintf("  lr %.3g ", gp.Rate)
}

// finish clears the bar, if one was shown, so that the summary printed
// next starts on a clean line. Later updates do nothing.
func (p *progress) finish() {
	if p == nil || p.bar == nil || p.done {
		return
	}
	p.done = true
	if p.shown && !p.bar.IsFinished() {
		p.bar.Clear()
	}
	p.bar.Exit()
	p.flush()
}
