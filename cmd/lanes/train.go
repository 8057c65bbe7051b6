package main

import (
	"errors"
	"fmt"
	"strings"

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
// so, names the step and suggests a smaller rate (exit 1), as does any
// other failure to train.
func trainingError(err error, lrFlag string) error {
	var div *gd.DivergedError
	switch {
	case errors.Is(err, linreg.ErrOption), errors.Is(err, gd.ErrConfig):
		return asUsage(err)
	case errors.As(err, &div):
		return fmt.Errorf("training diverged at step %d (epoch %d): %s; the last finite loss was %.4g; try a smaller %s",
			div.Step, div.Epoch, div.What, div.LastFiniteLoss, lrFlag)
	}
	return fmt.Errorf("training failed: %w", err)
}
