package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gd"
)

// TestValidationSetNeedsBoth: ValX without ValY, ValY without ValX, and
// a validation set whose sizes disagree with X or with each other are
// errors naming the fields (they used to be ignored, or reported as
// "len(y)"), for every method.
func TestValidationSetNeedsBoth(t *testing.T) {
	x, y := realWorld(50, 3, 0.5, 1)
	vx, vy := realWorld(10, 3, 0.5, 2)
	for _, method := range []Method{GD, SGD, MiniBatch, Exact} {
		for _, c := range []struct {
			name string
			vx   Matrix
			vy   []float64
			want string
		}{
			{"ValX alone", vx, nil, "ValX is set but ValY is nil"},
			{"ValX of no rows alone", Matrix{Cols: 3}, nil, "ValX is set but ValY is nil"},
			{"ValY alone", Matrix{}, vy, "ValY is set but ValX is not"},
			{"empty ValY alone", Matrix{}, []float64{}, "ValY is set but ValX is not"},
			{"short ValY", vx, vy[:9], "len(ValY) = 9, but ValX has 10 rows"},
			{"long ValY", vx, append(vy[:10:10], 1), "len(ValY) = 11, but ValX has 10 rows"},
			{"ValX columns", NewMatrix(vx.Data[:20], 10, 2), vy, "ValX has 2 columns, X has 3"},
			{"ValX no rows", Matrix{Cols: 3}, []float64{}, "ValX has no rows"},
		} {
			m, err := Regressor{Method: method, ValX: c.vx, ValY: c.vy}.Fit(context.Background(), x, y)
			if !errors.Is(err, ErrOption) || m != nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, %s: model %v, err %v; want ErrOption saying %q", method, c.name, m != nil, err, c.want)
			}
		}
		if _, err := (Regressor{Method: method, ValX: vx, ValY: vy}).Fit(context.Background(), x, y); err != nil {
			t.Errorf("%s with a validation set: %v", method, err)
		}
	}
}

// TestDuplicateFeatureNames: two equal names in Regressor.Features are
// an ErrOption naming the name and both positions; so is a name count
// other than X's columns.
func TestDuplicateFeatureNames(t *testing.T) {
	x, y := realWorld(30, 4, 0.5, 3)
	for _, c := range []struct {
		features []string
		want     string
	}{
		{[]string{"age", "dose", "age", "income"}, `Features[0] and Features[2] are both "age"`},
		{[]string{"a", "b", "c", "c"}, `Features[2] and Features[3] are both "c"`},
		{[]string{"", "b", "", "x"}, `Features[0] and Features[2] are both ""`},
		{[]string{"a", "b", "c"}, "Features has 3 names for 4 columns"},
		{[]string{}, "Features has 0 names for 4 columns"},
	} {
		for _, method := range []Method{GD, Exact} {
			m, err := Regressor{Method: method, Features: c.features}.Fit(context.Background(), x, y)
			if !errors.Is(err, ErrOption) || m != nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, %q: model %v, err %v; want ErrOption saying %s", method, c.features, m != nil, err, c.want)
			}
		}
	}
	m := mustFit(t, Regressor{Method: Exact, Features: []string{"a", "b", "c", "d"}}, x, y)
	if len(m.Features) != 4 {
		t.Errorf("features %q", m.Features)
	}
}

// TestHugeEpochs: Epochs up to math.MaxInt is "no limit in practice":
// the automatic schedule of SGD and MiniBatch decays over a Total
// saturated at math.MaxInt instead of a product that overflowed to a
// negative Total (which gd refused as DecayStart > Total), and a
// ShuffleBlock up to math.MaxInt is the whole data.
func TestHugeEpochs(t *testing.T) {
	x, y := realWorld(200, 3, 0.5, 4)
	for _, epochs := range []int{math.MaxInt, math.MaxInt - 1, math.MaxInt / 2, math.MaxInt/200 + 1} {
		for _, r := range []Regressor{
			{Method: SGD, Epochs: epochs},
			{Method: MiniBatch, BatchSize: 7, Epochs: epochs},
			{Method: MiniBatch, BatchSize: 7, Epochs: epochs, ShuffleBlock: math.MaxInt},
			{Method: SGD, Epochs: epochs, ShuffleBlock: math.MaxInt - 1},
			{Epochs: epochs},
		} {
			r.Callback = func(p gd.Progress) error {
				if p.Epoch == 3 {
					return gd.ErrStop
				}
				return nil
			}
			m, err := r.Fit(context.Background(), x, y)
			if err != nil {
				t.Fatalf("%s, Epochs %d, ShuffleBlock %d: %v", r.method(), epochs, r.ShuffleBlock, err)
			}
			if m.Options.Epochs != epochs || m.Summary.Epochs > 3 {
				t.Errorf("%s, Epochs %d: options.epochs %d, %d epochs run", r.method(), epochs, m.Options.Epochs, m.Summary.Epochs)
			}
			if r.method() == GD {
				continue
			}
			perEpoch := 200 // SGD; ⌈200/7⌉ batches for MiniBatch
			if r.method() == MiniBatch {
				perEpoch = 29
			}
			total := math.MaxInt
			if epochs <= math.MaxInt/perEpoch {
				total = epochs * perEpoch
			}
			if want := fmt.Sprintf("Total:%d}", total); !strings.Contains(m.Options.Schedule, want) {
				t.Errorf("%s, Epochs %d: schedule %s, want %s", r.method(), epochs, m.Options.Schedule, want)
			}
		}
	}
}

// divergingData is a problem on which SGD at the automatic rate
// diverges: one row has a feature 10⁶ standard deviations out, so that
// after standardisation its squared norm is about n, and a step of
// 1/(2d) on it overshoots by a factor of about n/(2d).
func divergingData() (Matrix, []float64) {
	x, y := realWorld(2000, 3, 0.5, 5)
	x.Data[0] = 1e12
	return x, y
}

// TestAutoRateDivergence: a divergence at the automatic rate wraps
// ErrAutoRateDiverged as well as gd.ErrDiverged and the
// *gd.DivergedError, and says the rate was automatic; at an explicit
// rate it does not wrap ErrAutoRateDiverged.
func TestAutoRateDivergence(t *testing.T) {
	x, y := divergingData()
	m, err := Regressor{Method: SGD, Seed: 1}.Fit(context.Background(), x, y)
	var de *gd.DivergedError
	if m != nil || !errors.Is(err, ErrAutoRateDiverged) || !errors.Is(err, gd.ErrDiverged) || !errors.As(err, &de) {
		t.Fatalf("model %v, err %v; want no model and an error wrapping ErrAutoRateDiverged, gd.ErrDiverged and *gd.DivergedError", m != nil, err)
	}
	if de.Step < 0 || !strings.Contains(err.Error(), "automatic learning rate") || !strings.Contains(err.Error(), "Regressor.Rate") {
		t.Errorf("err = %v (step %d); want it to say the rate was automatic and name Regressor.Rate", err, de.Step)
	}
	// The same rate, given: a plain divergence.
	rate := m0Rate(t, err)
	_, err = Regressor{Method: SGD, Seed: 1, Rate: rate}.Fit(context.Background(), x, y)
	if !errors.Is(err, gd.ErrDiverged) || !errors.As(err, &de) || errors.Is(err, ErrAutoRateDiverged) {
		t.Fatalf("explicit rate %v: err %v; want gd.ErrDiverged, not ErrAutoRateDiverged", rate, err)
	}
	// And with a schedule the caller gave, neither is the rate automatic.
	_, err = Regressor{Method: SGD, Seed: 1, Schedule: gd.Constant(rate)}.Fit(context.Background(), x, y)
	if !errors.Is(err, gd.ErrDiverged) || errors.Is(err, ErrAutoRateDiverged) {
		t.Fatalf("schedule: err %v; want gd.ErrDiverged, not ErrAutoRateDiverged", err)
	}
}

// m0Rate reads the rate from the message of an automatic-rate
// divergence: the number after ErrAutoRateDiverged's text.
func m0Rate(t *testing.T, err error) float64 {
	t.Helper()
	rest, ok := strings.CutPrefix(err.Error(), ErrAutoRateDiverged.Error()+" ")
	f := strings.Fields(rest)
	if !ok || len(f) == 0 {
		t.Fatalf("no rate after %q in %q", ErrAutoRateDiverged.Error(), err.Error())
	}
	v, perr := strconv.ParseFloat(f[0], 64)
	if perr != nil || !(v > 0) {
		t.Fatalf("rate %q in %q: %v", f[0], err.Error(), perr)
	}
	return v
}

// TestHugeMatrixShape: a matrix whose size overflows int is an error
// that says so, not one that prints a wrapped-around size.
func TestHugeMatrixShape(t *testing.T) {
	for _, x := range []Matrix{
		{Data: make([]float64, 4), Rows: math.MaxInt, Cols: 2},
		{Data: make([]float64, 4), Rows: math.MaxInt / 2, Cols: 2, Stride: 3},
		{Data: make([]float64, 4), Rows: 3, Cols: math.MaxInt},
	} {
		_, err := Regressor{}.Fit(context.Background(), x, make([]float64, 4))
		if err == nil || !strings.Contains(err.Error(), "needs more values than a slice can hold") {
			t.Errorf("%d×%d, stride %d: err %v; want one saying it needs more values than a slice can hold", x.Rows, x.Cols, x.Stride, err)
		}
	}
}
