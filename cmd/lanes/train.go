package main

import (
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/linreg"
)

// parseMethod reads --method; exact is allowed only where the command
// can use it.
func parseMethod(name string, allowExact bool) (linreg.Method, error) {
	valid := []linreg.Method{linreg.GD, linreg.SGD, linreg.MiniBatch}
	if allowExact {
		valid = append(valid, linreg.Exact)
	}
	for _, m := range valid {
		if strings.EqualFold(name, string(m)) {
			return m, nil
		}
	}
	names := make([]string, len(valid))
	for i, m := range valid {
		names[i] = string(m)
	}
	return "", usagef("--method %q is not one of %s", name, strings.Join(names, ", "))
}

// parseOptimizer reads --optimizer; "" means the method's default (nil).
func parseOptimizer(name string) (gd.Update, error) {
	switch strings.ToLower(name) {
	case "":
		return nil, nil
	case "plain":
		return gd.Plain{}, nil
	case "momentum":
		return gd.Momentum{Mu: 0.9}, nil
	case "nesterov":
		return gd.Nesterov{Mu: 0.9}, nil
	case "adam":
		return gd.Adam{}, nil
	}
	return nil, usagef("--optimizer %q is not one of plain, momentum, nesterov, adam", name)
}

// trainingError turns an error of linreg's Fit into what the command
// returns: an invalid option is a usage error (exit 2); a divergence says
// so, names the step and says what to try (exit 1), as does any other
// failure to train. A divergence at the automatic rate, which the user
// did not choose and so cannot make smaller, says that instead.
func trainingError(err error) error {
	var div *gd.DivergedError
	switch {
	case errors.Is(err, linreg.ErrOption), errors.Is(err, gd.ErrConfig):
		return asUsage(err)
	case errors.As(err, &div) && errors.Is(err, linreg.ErrAutoRateDiverged):
		return fmt.Errorf("training diverged at step %d (epoch %d): %s; the last finite loss was %.4g. "+
			"The learning rate was the automatic one, derived from the data, so this is lanes failing on this data: "+
			"--method exact solves it without a rate, or give an explicit --lr below the automatic one (%w)",
			div.Step, div.Epoch, div.What, div.LastFiniteLoss, err)
	case errors.As(err, &div):
		return fmt.Errorf("training diverged at step %d (epoch %d): %s; the last finite loss was %.4g; try a smaller --lr",
			div.Step, div.Epoch, div.What, div.LastFiniteLoss)
	}
	return fmt.Errorf("training failed: %w", err)
}

// printStaged prints text, the summary of a run whose outputs are staged
// but not yet committed, and returns the error of any write to stdout so
// far. A closed pipe is then an error to report rather than a SIGPIPE
// that kills the process and leaves the staged files behind.
func printStaged(e *env, text string) error {
	signal.Ignore(syscall.SIGPIPE)
	defer signal.Reset(syscall.SIGPIPE)
	io.WriteString(e.stdout, text)
	return e.stdoutErr()
}
