package main

import (
	"fmt"
	"io"
)

const helpHelp = `Usage: lanes help [COMMAND]

Prints the list of commands, or the help of one (the same as lanes COMMAND -h).
`

func cmdHelp(e *env, args []string) error {
	fs := newFlags(e, "help", helpHelp)
	if err := parseFlagsArgs(e, fs, args); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		writeOverview(e.stdout)
		return nil
	case 1:
		cmd := lookupCommand(fs.Arg(0))
		if cmd == nil {
			return usagef("unknown command %q", fs.Arg(0))
		}
		return cmd.run(e, []string{"-h"})
	}
	return usagef("help takes at most one command, got %d", fs.NArg())
}

// writeOverview prints what lanes is, its commands and a few examples.
func writeOverview(w io.Writer) {
	fmt.Fprint(w, `lanes trains linear models by gradient descent on SIMD kernels that give
the same bits on every CPU.

Usage: lanes [COMMAND] [FLAGS]

`)
	writeCommandList(w)
	fmt.Fprint(w, `
Examples:
  lanes                                   train the classic example
  lanes fit --data houses.csv --target price --out model.json
  lanes predict --model model.json --data new.csv
  lanes cpu                               which kernels run here, and why

Run 'lanes COMMAND -h' for the flags of a command.
`)
}

// writeCommandList prints one line per command.
func writeCommandList(w io.Writer) {
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}
