// Command lanes trains and applies linear models on the lanes kernels.
//
// With no arguments it trains the classic first example of gradient
// descent, y = 2x from 100 noisy points, and prints its progress:
//
//	go run ./cmd/lanes
//
// The subcommands:
//
//	lanes demo      the classic example, with its method, rate, steps,
//	                schedule and seed as flags
//	lanes fit       train a model on a CSV or .npy file
//	lanes predict   apply a saved model to a CSV or .npy file
//	lanes bench     a quick table of this machine's kernel throughput
//	lanes cpu       the CPU, its features and the kernels chosen
//	lanes help      this list, or the help of one subcommand
//
// Every subcommand takes -h. The exit status is 0 on success, 1 when
// training fails (it diverged, or could not be solved), and 2 for bad
// usage or bad input; a run that fails writes no model, plot or
// prediction file.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // training failed
	exitUsage  = 2 // bad usage or bad input
)

// env is what a subcommand may touch: its output streams, and whether
// stderr is a terminal (progress bars only go to one).
type env struct {
	stdout, stderr io.Writer
	stderrTTY      bool
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(e *env, args []string) error
}

// commands lists the subcommands in the order help shows them; see
// commands.go.
var commands []command

func main() {
	e := &env{stdout: &checkedWriter{w: os.Stdout}, stderr: os.Stderr, stderrTTY: term.IsTerminal(int(os.Stderr.Fd()))}
	os.Exit(run(e, os.Args[1:]))
}

// checkedWriter remembers the first error of its writes, so that a
// command whose output could not be written (a full disk, a closed pipe:
// lanes fit > /dev/full) fails instead of exiting 0.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// stdoutErr returns the first error of a write to stdout, if stdout keeps
// one (tests write to a bytes.Buffer, which never fails).
func (e *env) stdoutErr() error {
	if c, ok := e.stdout.(*checkedWriter); ok && c.err != nil {
		return fmt.Errorf("writing to stdout: %w", c.err)
	}
	return nil
}

// run runs the command line args and returns the exit status.
func run(e *env, args []string) int {
	name := "demo"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			name, args = "help", args[1:]
		case !strings.HasPrefix(a, "-"):
			name, args = a, args[1:]
		}
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		fmt.Fprintf(e.stderr, "lanes: unknown command %q\n\n", name)
		writeCommandList(e.stderr)
		return exitUsage
	}
	err := cmd.run(e, args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		err = e.stdoutErr()
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case isUsage(err):
		fmt.Fprintf(e.stderr, "lanes %s: %v\n", cmd.name, err)
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "lanes %s: %v\n", cmd.name, err)
		return exitFailed
	}
}

func lookupCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// usageError marks an error of usage or input: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// usagef returns a usage error; %w works as in fmt.Errorf.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err, if not nil, as a usage or input error.
func asUsage(err error) error {
	if err == nil || isUsage(err) {
		return err
	}
	return usageError{err}
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}
