package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// exitInterrupted is the status of a run stopped by a second Ctrl-C, the
// shell's 128 + SIGINT.
const exitInterrupted = 130

// interrupts turns Ctrl-C (SIGINT) and SIGTERM into a cancelled context:
// the first asks the run to stop (training loops check the context every
// few tens of milliseconds) and says so on stderr; the second runs the
// cleanup registered with onExit and exits at once, for a run that does
// not stop soon enough.
type interrupts struct {
	ctx    context.Context
	cancel context.CancelFunc
	sigs   chan os.Signal
	done   chan struct{}
	mu     sync.Mutex
	exit   func() // cleanup before a forced exit
}

// catchInterrupts starts catching the signals; stop ends it.
func catchInterrupts(e *env) *interrupts {
	in := &interrupts{sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(context.Background())
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for n := 1; ; n++ {
			select {
			case <-in.done:
				return
			case sig := <-in.sigs:
				if n == 1 {
					fmt.Fprintf(e.stderr, "\nlanes: %v: stopping (again to quit at once)\n", sig)
					in.cancel()
					continue
				}
				in.mu.Lock()
				if in.exit != nil {
					in.exit()
				}
				fmt.Fprintf(e.stderr, "lanes: %v again: quitting at once\n", sig)
				os.Exit(exitInterrupted)
			}
		}
	}()
	return in
}

// onExit registers the cleanup of a forced exit, such as removing staged
// temporary files.
func (in *interrupts) onExit(f func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.exit = f
}

// stop restores the default handling of the signals.
func (in *interrupts) stop() {
	signal.Stop(in.sigs)
	close(in.done)
	in.cancel()
}
