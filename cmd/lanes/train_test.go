package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/linreg"
)

// TestTrainingErrorAdvice: a divergence at a rate the user gave suggests
// a smaller --lr; at the automatic rate, which the user did not choose,
// it must not.
func TestTrainingErrorAdvice(t *testing.T) {
	div := fmt.Errorf("linreg: %w", &gd.DivergedError{Step: 21, Epoch: 21, What: "the loss is +Inf", LastFiniteLoss: 3})
	autoDiv := fmt.Errorf("%w 0.5 (Regressor.Rate was 0): %w", linreg.ErrAutoRateDiverged, div)
	given := trainingError(div).Error()
	if !strings.Contains(given, "step 21") || !strings.Contains(given, "try a smaller --lr") {
		t.Errorf("explicit rate: %q", given)
	}
	auto := trainingError(autoDiv).Error()
	if !strings.Contains(auto, "step 21") || strings.Contains(auto, "smaller --lr") || !strings.Contains(auto, "automatic") || !strings.Contains(auto, "--method exact") {
		t.Errorf("automatic rate: %q", auto)
	}
	if isUsage(trainingError(autoDiv)) {
		t.Error("a divergence is not a usage error")
	}
}
