package linreg_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

// splitProblem returns a noisy 3-feature problem cut into training and
// validation rows.
func splitProblem(n, nVal int) (x linreg.Matrix, y []float64, vx linreg.Matrix, vy []float64) {
	r := rand.New(rand.NewPCG(5, 6))
	draw := func(rows int) (linreg.Matrix, []float64) {
		data := make([]float64, rows*3)
		t := make([]float64, rows)
		for i := range rows {
			for j := range 3 {
				data[i*3+j] = r.NormFloat64()
			}
			t[i] = float64(1.5*data[i*3]) - float64(2*data[i*3+1]) + float64(0.5*r.NormFloat64()) + 3
		}
		return linreg.NewMatrix(data, rows, 3), t
	}
	x, y = draw(n)
	vx, vy = draw(nVal)
	return
}

func TestValidationSet(t *testing.T) {
	x, y, vx, vy := splitProblem(400, 100)
	for _, method := range []linreg.Method{linreg.GD, linreg.SGD, linreg.MiniBatch, linreg.Exact} {
		t.Run(string(method), func(t *testing.T) {
			m, err := linreg.Regressor{Method: method, ValX: vx, ValY: vy}.Fit(context.Background(), x, y)
			if err != nil {
				t.Fatal(err)
			}
			want, err := m.MSE(vx, vy)
			if err != nil {
				t.Fatal(err)
			}
			if m.Summary.ValMSE == nil || *m.Summary.ValMSE != want {
				t.Fatalf("Summary.ValMSE = %v, want the model's validation MSE %v", m.Summary.ValMSE, want)
			}
			if method == linreg.Exact {
				if m.ValHistory != nil {
					t.Errorf("exact has a validation history %v", m.ValHistory)
				}
				return
			}
			if len(m.ValHistory) != m.Summary.Epochs || len(m.ValHistory) == 0 {
				t.Fatalf("%d validation losses for %d epochs", len(m.ValHistory), m.Summary.Epochs)
			}
			for i, v := range m.ValHistory {
				if !(v > 0) || math.IsInf(v, 0) {
					t.Fatalf("validation loss of epoch %d is %v", i+1, v)
				}
			}
			// The noise has variance 0.25, so a fitted model's validation
			// MSE is near it.
			if want < 0.15 || want > 0.4 {
				t.Errorf("validation MSE %v, want about 0.25", want)
			}
		})
	}
}

func TestValidationSetErrors(t *testing.T) {
	x, y, vx, vy := splitProblem(50, 10)
	ctx := context.Background()
	if _, err := (linreg.Regressor{ValX: linreg.NewMatrix(vx.Data[:20], 10, 2), ValY: vy}).Fit(ctx, x, y); !errors.Is(err, linreg.ErrOption) || !strings.Contains(err.Error(), "ValX has 2 columns") {
		t.Errorf("wrong columns: %v", err)
	}
	if _, err := (linreg.Regressor{ValX: vx, ValY: vy[:9]}).Fit(ctx, x, y); err == nil || !strings.Contains(err.Error(), "validation") {
		t.Errorf("short ValY: %v", err)
	}
	bad := append([]float64(nil), vx.Data...)
	bad[7] = math.NaN()
	if _, err := (linreg.Regressor{ValX: linreg.NewMatrix(bad, 10, 3), ValY: vy}).Fit(ctx, x, y); err == nil || !strings.Contains(err.Error(), "validation X row 2, column 1 is NaN") {
		t.Errorf("NaN in ValX: %v", err)
	}
}
