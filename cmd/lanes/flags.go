package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns the flag set of a subcommand whose help text (usage
// line, description, flags and examples) is help. Parse errors come back
// as usage errors; -h prints the help to stdout and returns flag.ErrHelp,
// which exits 0.
func newFlags(e *env, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("lanes "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helpTexts[fs] = help
	return fs
}

// helpTexts holds each flag set's help, for parseFlags.
var helpTexts = map[*flag.FlagSet]string{}

// parseFlags parses args into fs and refuses positional arguments.
func parseFlags(e *env, fs *flag.FlagSet, args []string) error {
	if err := parseFlagsArgs(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (see lanes %s -h)", fs.Arg(0), commandName(fs))
	}
	return nil
}

// parseFlagsArgs parses args into fs, leaving positional arguments in
// fs.Args().
func parseFlagsArgs(e *env, fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(e.stdout, fs)
		return flag.ErrHelp
	}
	if err != nil {
		return usagef("%v (see lanes %s -h)", err, commandName(fs))
	}
	return nil
}

// commandName is the subcommand a flag set belongs to.
func commandName(fs *flag.FlagSet) string { return strings.TrimPrefix(fs.Name(), "lanes ") }

// writeHelp prints the help text of fs, then its flags.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, helpTexts[fs])
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
